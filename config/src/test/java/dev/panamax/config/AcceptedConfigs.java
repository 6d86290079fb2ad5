package dev.panamax.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.panamax.vmm.VmConfig;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/** Random configs the reader accepts, for the model's and the API's round-trip properties. */
public final class AcceptedConfigs {
    /** The files {@link #random} names, which the caller creates in its directory. */
    public static final List<String> FILES = List.of("vmlinux", "initrd", "rootfs.ext4", "data.img", "scratch.img");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private AcceptedConfigs() { }

    /**
     * A config the reader accepts: optional keys absent, null or given; relative paths resolve
     * against {@code dir}, where the caller provides vmlinux, initrd, rootfs.ext4, data.img and
     * scratch.img.
     */
    public static ObjectNode random(Random r, Path dir) {
        List<Map.Entry<String, JsonNode>> members = new ArrayList<>();
        ObjectNode boot = JSON.objectNode().put("kernel_image_path", r.nextBoolean() ? "vmlinux" : dir.resolve("vmlinux").toString());
        maybe(r, boot, "initrd_path", () -> JSON.textNode("initrd"));
        maybe(r, boot, "boot_args", () -> JSON.textNode(r.nextBoolean() ? "console=ttyS0 reboot=k" : "\"quoted\"\n\u00e9\u2028"));
        members.add(Map.entry("boot-source", boot));
        if (r.nextInt(3) > 0) {
            ObjectNode machine = JSON.objectNode()
                    .put("vcpu_count", 1 + r.nextInt(VmConfig.Machine.MAX_VCPUS))
                    .put("mem_size_mib", VmConfig.Machine.MIN_MEM_MIB + r.nextInt(1 << 16));
            maybe(r, machine, "smt", () -> JSON.booleanNode(false));
            maybe(r, machine, "track_dirty_pages", () -> JSON.booleanNode(false));
            maybe(r, machine, "cpu_template", () -> JSON.textNode("None"));
            maybe(r, machine, "huge_pages", () -> JSON.textNode("None"));
            maybe(r, machine, "cpuid_feature_mask", () -> r.nextBoolean()
                    ? JSON.numberNode(new BigInteger(64, r))
                    : JSON.textNode(String.format("0x%x", r.nextLong())));
            members.add(Map.entry("machine-config", machine));
        } else if (r.nextBoolean()) {
            members.add(Map.entry("machine-config", JSON.nullNode()));
        }
        int drives = r.nextInt(5) - 1;
        if (drives >= 0) {
            members.add(Map.entry("drives", JSON.arrayNode().addAll(IntStream.range(0, drives)
                    .mapToObj(d -> drive(r, d)).toList())));
        }
        switch (r.nextInt(4)) {
            case 0 -> members.add(Map.entry("entropy", JSON.nullNode()));
            case 1 -> members.add(Map.entry("entropy", JSON.objectNode()));
            case 2 -> members.add(Map.entry("entropy", JSON.objectNode().putNull("rate_limiter")));
            default -> { }
        }
        if (r.nextBoolean()) {
            // lo stands in for a TAP: the config only checks that the interface exists
            ObjectNode net = JSON.objectNode().put("iface_id", "eth0").put("host_dev_name", "lo");
            maybe(r, net, "guest_mac", () -> JSON.textNode(r.nextBoolean() ? "06:00:ac:10:00:02" : "AA:FC:00:00:00:01"));
            maybe(r, net, "rx_rate_limiter", JSON::nullNode);
            members.add(Map.entry("network-interfaces", JSON.arrayNode().add(net)));
        } else if (r.nextBoolean()) {
            members.add(Map.entry("network-interfaces", r.nextBoolean() ? JSON.nullNode() : JSON.arrayNode()));
        }
        switch (r.nextInt(3)) {
            case 0 -> {
                ObjectNode vsock = JSON.objectNode().put("guest_cid", 3 + r.nextInt(1 << 20))
                        .put("uds_path", r.nextBoolean() ? "v.sock" : dir.resolve("v.sock").toString());
                maybe(r, vsock, "vsock_id", () -> JSON.textNode("vsock0"));
                members.add(Map.entry("vsock", vsock));
            }
            case 1 -> members.add(Map.entry("vsock", JSON.nullNode()));
            default -> { }
        }
        if (r.nextBoolean()) {
            members.add(Map.entry("metrics", JSON.objectNode().put("metrics_path", "metrics.json")));
        }
        for (String pending : ConfigFile.NOT_YET_SUPPORTED) {
            switch (r.nextInt(4)) {
                case 0 -> members.add(Map.entry(pending, JSON.nullNode()));
                case 1 -> members.add(Map.entry(pending, JSON.objectNode()));
                case 2 -> members.add(Map.entry(pending, JSON.arrayNode()));
                default -> { }
            }
        }
        Collections.shuffle(members, r);
        ObjectNode config = JSON.objectNode();
        members.forEach(m -> config.set(m.getKey(), m.getValue()));
        return config;
    }

    private static ObjectNode drive(Random r, int index) {
        ObjectNode drive = JSON.objectNode()
                .put("drive_id", "d" + index)
                .put("path_on_host", List.of("rootfs.ext4", "data.img", "scratch.img").get(r.nextInt(3)))
                .put("is_root_device", index == 0 && r.nextBoolean());
        maybe(r, drive, "is_read_only", () -> JSON.booleanNode(r.nextBoolean()));
        maybe(r, drive, "cache_type", () -> JSON.textNode(r.nextBoolean() ? "Unsafe" : "Writeback"));
        maybe(r, drive, "io_engine", () -> JSON.textNode("Sync"));
        for (String alwaysNull : List.of("partuuid", "rate_limiter", "socket")) {
            if (r.nextInt(3) == 0) {
                drive.putNull(alwaysNull);
            }
        }
        return drive;
    }

    /** Leaves {@code key} out, gives it null, or gives it a value, a third of the time each. */
    private static void maybe(Random r, ObjectNode obj, String key, Supplier<JsonNode> value) {
        switch (r.nextInt(3)) {
            case 0 -> obj.putNull(key);
            case 1 -> obj.set(key, value.get());
            default -> { }
        }
    }
}
