package dev.panamax.launcher.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.panamax.vmm.VmConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The config model as the API will use it: each section read on its own, and every accepted
 * config written back with Firecracker's keys and read again unchanged. Generated input uses a
 * fixed seed, as in {@link ConfigPropertiesTest}.
 */
class ConfigModelTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void files() throws IOException {
        for (String name : List.of("vmlinux", "initrd", "rootfs.ext4", "data.img", "scratch.img")) {
            Files.writeString(dir.resolve(name), name);
        }
    }

    private static <T> T read(String json, Class<T> type) {
        return ConfigJson.read(json.getBytes(StandardCharsets.UTF_8), "body", type);
    }

    private static String refusal(String json, Class<?> type) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> read(json, type));
        assertThat(e).as("refused: %s", json).isNotNull();
        return ConfigFileTest.checkedOneLine(e.getMessage());
    }

    @Test
    void aBootSourceIsReadAndWrittenOnItsOwn() {
        BootSourceConfig boot = read("{\"kernel_image_path\": \"vmlinux\", \"boot_args\": \"console=ttyS0\"}",
                BootSourceConfig.class);

        assertThat(boot).isEqualTo(new BootSourceConfig("vmlinux", null, "console=ttyS0"));
        assertThat(ConfigJson.write(boot)).isEqualTo("{\"kernel_image_path\":\"vmlinux\",\"boot_args\":\"console=ttyS0\"}");
        assertThat(boot.toBootSource(dir).kernelImage()).isEqualTo(dir.resolve("vmlinux"));
    }

    @Test
    void aSectionOnItsOwnIsRefusedWithPathsFromItsTop() {
        assertThat(refusal("{\"boot_args\": \"x\"}", BootSourceConfig.class))
                .isEqualTo("kernel_image_path: missing required key");
        assertThat(refusal("{\"kernel_image_path\": \"vmlinux\", \"initrd\": \"x\"}", BootSourceConfig.class))
                .isEqualTo("initrd: unknown key");
        assertThat(refusal("[]", BootSourceConfig.class))
                .isEqualTo("body: expected a JSON object at the top level, got []");
        assertThat(refusal("{\"drive_id\": \"d\", \"is_root_device\": 1}", DriveConfig.class))
                .isEqualTo("is_root_device: expected a boolean, got 1");
        assertThat(refusal("{\"vcpu_count\": 2.0, \"mem_size_mib\": 64}", MachineConfig.class))
                .isEqualTo("vcpu_count: expected an integer, got 2.0");
    }

    @Test
    void otherSectionsAreReadOnTheirOwn() {
        assertThat(read("{\"vcpu_count\": 2, \"mem_size_mib\": 256, \"smt\": false}", MachineConfig.class))
                .isEqualTo(new MachineConfig(BigInteger.TWO, BigInteger.valueOf(256), false, null, null, null, null));
        assertThat(read("{\"drive_id\": \"rootfs\", \"path_on_host\": \"rootfs.ext4\", \"is_root_device\": true}",
                DriveConfig.class))
                .isEqualTo(new DriveConfig("rootfs", "rootfs.ext4", true, null, null, null, null, null, null));
        assertThat(read("{}", EntropyConfig.class)).isEqualTo(new EntropyConfig(null));
    }

    @Test
    void writesFirecrackersKeys() {
        FirecrackerConfig config = new FirecrackerConfig(
                new BootSourceConfig("vmlinux", "initrd", "console=ttyS0"),
                new MachineConfig(BigInteger.TWO, BigInteger.valueOf(256), false, false, "None", "None",
                        new FeatureMask(0xffff_0000_0000_ffffL)),
                List.of(new DriveConfig("rootfs", "rootfs.ext4", true, false, null, DriveConfig.CacheType.WRITEBACK,
                        DriveConfig.IoEngine.SYNC, null, null)),
                new EntropyConfig(null),
                List.of(new NetworkInterfaceConfig("eth0", "tap0", "06:00:ac:10:00:02")),
                new VsockConfig(BigInteger.valueOf(3), "/tmp/v.sock"));

        assertThat(ConfigJson.write(config)).isEqualTo("{"
                + "\"boot-source\":{\"kernel_image_path\":\"vmlinux\",\"initrd_path\":\"initrd\",\"boot_args\":\"console=ttyS0\"},"
                + "\"machine-config\":{\"vcpu_count\":2,\"mem_size_mib\":256,\"smt\":false,\"track_dirty_pages\":false,"
                + "\"cpu_template\":\"None\",\"huge_pages\":\"None\",\"cpuid_feature_mask\":\"0xffff0000_0000ffff\"},"
                + "\"drives\":[{\"drive_id\":\"rootfs\",\"path_on_host\":\"rootfs.ext4\",\"is_root_device\":true,"
                + "\"is_read_only\":false,\"cache_type\":\"Writeback\",\"io_engine\":\"Sync\"}],"
                + "\"entropy\":{},"
                + "\"network-interfaces\":[{\"iface_id\":\"eth0\",\"host_dev_name\":\"tap0\","
                + "\"guest_mac\":\"06:00:ac:10:00:02\"}],"
                + "\"vsock\":{\"guest_cid\":3,\"uds_path\":\"/tmp/v.sock\"}}");
    }

    /** Configs the reader accepts, in every spelling it accepts: optional keys absent, null or given. */
    static Stream<String> acceptedConfigs() {
        Random r = new Random(0xc0ffee);
        return IntStream.range(0, 400).mapToObj(i -> acceptedConfig(r).toString());
    }

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private static ObjectNode acceptedConfig(Random r) {
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

    @ParameterizedTest
    @MethodSource("acceptedConfigs")
    void anAcceptedConfigWrittenBackReadsTheSame(String json) {
        FirecrackerConfig model = read(json, FirecrackerConfig.class);
        VmConfig vm = model.toVmConfig(dir);

        String written = ConfigJson.write(model);
        FirecrackerConfig again = read(written, FirecrackerConfig.class);

        assertThat(again).as(written).isEqualTo(model);
        assertThat(again.toVmConfig(dir)).isEqualTo(vm);
        assertThat(ConfigFile.parse(written.getBytes(StandardCharsets.UTF_8), "written", dir)).isEqualTo(vm);
    }
}
