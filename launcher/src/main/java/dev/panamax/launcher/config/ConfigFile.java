package dev.panamax.launcher.config;

import dev.panamax.launcher.config.Json.Arr;
import dev.panamax.launcher.config.Json.Bool;
import dev.panamax.launcher.config.Json.Int;
import dev.panamax.launcher.config.Json.Null;
import dev.panamax.launcher.config.Json.Obj;
import dev.panamax.launcher.config.Json.Str;
import dev.panamax.launcher.config.Json.Value;
import dev.panamax.vmm.VmConfig;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads Firecracker's {@code --config-file} JSON, unchanged, into a {@link VmConfig}.
 *
 * <p>Understood: {@code boot-source} {kernel_image_path (required), initrd_path, boot_args};
 * {@code machine-config} {vcpu_count, mem_size_mib (both required when the section is present),
 * smt, track_dirty_pages, cpu_template, huge_pages} plus Panamax's {@code cpuid_feature_mask};
 * {@code drives}, an array of {drive_id, is_root_device (both required, as in Firecracker),
 * path_on_host (required here: Firecracker makes it optional only for vhost-user drives),
 * is_read_only (default false), partuuid, cache_type, io_engine, rate_limiter, socket}; and
 * {@code entropy} {rate_limiter}, whose presence (even {@code {}}) attaches a virtio-rng device.
 * Where Panamax differs from Firecracker:
 * <ul>
 *   <li>Unknown keys are refused at every level, the top level included (Firecracker ignores
 *       unknown top-level keys and refuses unknown nested ones).</li>
 *   <li>Firecracker sections Panamax does not implement yet ({@link #NOT_YET_SUPPORTED}) are
 *       refused with {@code KEY: not supported yet} unless absent, null, {@code []} or {@code {}}.</li>
 *   <li>{@code smt: true}, {@code track_dirty_pages: true} (Panamax has no snapshots), any
 *       {@code cpu_template} but {@code "None"} and any {@code huge_pages} but {@code "None"} are
 *       refused; their Firecracker defaults are accepted so that Firecracker's own example
 *       configs load.</li>
 *   <li>Drives: a non-null {@code partuuid}, {@code rate_limiter} or {@code socket} (vhost-user)
 *       and {@code io_engine: "Async"} are refused; {@code io_engine: "Sync"} is the default.
 *       Both {@code cache_type}s are accepted and mean the same: Panamax always honours the
 *       guest's flush requests with an fsync of the image, so {@code "Writeback"} gets what it
 *       asks for and {@code "Unsafe"} (the default, under which Firecracker ignores flushes) gets
 *       more durability than it asks for. {@code path_on_host} must be a readable regular file,
 *       and writable unless {@code is_read_only}. Duplicate {@code drive_id}s, a second root
 *       device and too many drives are {@link VmConfig}'s refusals.</li>
 *   <li>{@code entropy.rate_limiter} must be null or absent.</li>
 *   <li>{@code null} for an optional key means "absent" (Firecracker allows that for some only),
 *       and {@code "drives": null} means no drives.</li>
 * </ul>
 * Like Firecracker, a missing {@code machine-config} means 1 vCPU and 128 MiB, an absent
 * {@code boot_args} means {@link VmConfig.BootSource#DEFAULT_BOOT_ARGS}, and relative kernel,
 * initrd and drive paths are relative to the working directory (Firecracker {@code File::open}s
 * them as given), not to the config file. Every refusal is a {@link ConfigException}.
 */
public final class ConfigFile {
    /** Firecracker top-level keys that later work will implement. */
    public static final List<String> NOT_YET_SUPPORTED = List.of(
            "network-interfaces", "vsock", "logger", "metrics", "balloon", "mmds-config", "cpu-config");

    static final String BOOT_SOURCE = "boot-source";
    static final String MACHINE_CONFIG = "machine-config";
    static final String DRIVES = "drives";
    static final String ENTROPY = "entropy";

    private static final Set<String> BOOT_KEYS = Set.of("kernel_image_path", "initrd_path", "boot_args");
    private static final Set<String> MACHINE_KEYS = Set.of("vcpu_count", "mem_size_mib", "smt", "track_dirty_pages",
            "cpu_template", "huge_pages", "cpuid_feature_mask");
    private static final Set<String> DRIVE_KEYS = Set.of("drive_id", "path_on_host", "is_root_device", "is_read_only",
            "partuuid", "cache_type", "io_engine", "rate_limiter", "socket");
    private static final Set<String> ENTROPY_KEYS = Set.of("rate_limiter");
    private static final Set<String> SUPPORTED = Set.of(BOOT_SOURCE, MACHINE_CONFIG, DRIVES, ENTROPY);

    /** Config files are small; this bounds what reading a wrong file (or a FIFO) can cost. */
    static final int MAX_BYTES = 1 << 20;

    private ConfigFile() { }

    /** Reads {@code jsonFile}; relative paths inside resolve against the current working directory. */
    public static VmConfig read(Path jsonFile) {
        return read(jsonFile, Path.of("").toAbsolutePath());
    }

    /** Reads {@code jsonFile}; relative paths inside resolve against {@code workingDir}. */
    public static VmConfig read(Path jsonFile, Path workingDir) {
        String name = jsonFile.toString();
        return parse(readBytes(jsonFile, name), name, workingDir);
    }

    /**
     * Parses a config already in memory; {@code name} is what messages call it (e.g. the file name
     * as the user gave it).
     */
    public static VmConfig parse(byte[] json, String name, Path workingDir) {
        return toRaw(Json.parse(json, name), name).toVmConfig(workingDir);
    }

    private static byte[] readBytes(Path file, String name) {
        if (Files.isDirectory(file)) {
            throw new ConfigException(name + ": is a directory");
        }
        // Not Files.readAllBytes: a pipe (--config-file <(...)) must work, and a huge file must not.
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new ConfigException(name + ": too large for a config file (over " + (MAX_BYTES >> 20) + " MiB)");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new ConfigException(name + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new ConfigException(name + ": permission denied", e);
        } catch (FileSystemException e) {
            String reason = e.getReason();
            throw new ConfigException(name + ": cannot read" + (reason == null ? "" : ": " + reason), e);
        } catch (IOException e) {
            throw new ConfigException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    static RawConfig toRaw(Value root, String name) {
        if (!(root instanceof Obj top)) {
            throw new ConfigException(name + ": expected a JSON object at the top level, got " + Json.describe(root));
        }
        for (Map.Entry<String, Value> e : top.members().entrySet()) {
            String key = e.getKey();
            if (SUPPORTED.contains(key)) {
                continue;
            }
            if (NOT_YET_SUPPORTED.contains(key)) {
                if (!isEmpty(e.getValue())) {
                    throw new ConfigException(key + ": not supported yet");
                }
                continue;
            }
            throw unknownKey(Json.path("", key));
        }

        Value bootValue = top.members().get(BOOT_SOURCE);
        if (bootValue == null) {
            throw missing(BOOT_SOURCE);
        }
        Obj boot = section(BOOT_SOURCE, bootValue, BOOT_KEYS);
        String kernel = requiredString(boot, BOOT_SOURCE, "kernel_image_path");
        String initrd = optionalString(boot, BOOT_SOURCE, "initrd_path");
        String bootArgs = optionalString(boot, BOOT_SOURCE, "boot_args");

        BigInteger vcpus = BigInteger.valueOf(RawConfig.DEFAULT_VCPUS);
        BigInteger mem = BigInteger.valueOf(RawConfig.DEFAULT_MEM_MIB);
        long mask = VmConfig.Machine.ALL_FEATURES;
        Value machineValue = top.members().get(MACHINE_CONFIG);
        if (machineValue != null && machineValue != Null.INSTANCE) {
            Obj machine = section(MACHINE_CONFIG, machineValue, MACHINE_KEYS);
            vcpus = requiredInteger(machine, MACHINE_CONFIG, "vcpu_count");
            mem = requiredInteger(machine, MACHINE_CONFIG, "mem_size_mib");
            if (Boolean.TRUE.equals(optionalBoolean(machine, MACHINE_CONFIG, "smt"))) {
                throw new ConfigException(MACHINE_CONFIG + ".smt: smt is not supported");
            }
            if (Boolean.TRUE.equals(optionalBoolean(machine, MACHINE_CONFIG, "track_dirty_pages"))) {
                throw new ConfigException(MACHINE_CONFIG + ".track_dirty_pages: dirty page tracking is not supported");
            }
            onlyNone(machine, "cpu_template");
            onlyNone(machine, "huge_pages");
            Value m = machine.members().get("cpuid_feature_mask");
            if (m != null && m != Null.INSTANCE) {
                mask = featureMask(Json.path(MACHINE_CONFIG, "cpuid_feature_mask"), m);
            }
        }
        List<RawConfig.RawDrive> drives = drives(top.members().get(DRIVES));
        boolean entropy = entropy(top.members().get(ENTROPY));
        return new RawConfig(kernel, initrd, bootArgs, vcpus, mem, mask, drives, entropy);
    }

    private static List<RawConfig.RawDrive> drives(Value v) {
        if (v == null || v == Null.INSTANCE) {
            return List.of();
        }
        if (!(v instanceof Arr array)) {
            throw wrongType(DRIVES, "an array", v);
        }
        List<RawConfig.RawDrive> drives = new ArrayList<>(array.elements().size());
        for (int i = 0; i < array.elements().size(); i++) {
            drives.add(drive(DRIVES + "[" + i + "]", array.elements().get(i)));
        }
        return drives;
    }

    /** One {@code drives} element; {@code at} is its path, {@code drives[i]}. */
    private static RawConfig.RawDrive drive(String at, Value v) {
        Obj drive = section(at, v, DRIVE_KEYS);
        String id = requiredString(drive, at, "drive_id");
        // Before path_on_host, which Firecracker leaves out for vhost-user drives.
        if (present(drive, "socket")) {
            throw new ConfigException(Json.path(at, "socket") + ": vhost-user drives are not supported");
        }
        String path = requiredString(drive, at, "path_on_host");
        boolean root = requiredBoolean(drive, at, "is_root_device");
        boolean readOnly = Boolean.TRUE.equals(optionalBoolean(drive, at, "is_read_only"));
        if (optionalString(drive, at, "partuuid") != null) {
            throw new ConfigException(Json.path(at, "partuuid") + ": partuuid is not supported");
        }
        enumValue(drive, at, "cache_type", List.of("Unsafe", "Writeback"), List.of("Unsafe", "Writeback"));
        enumValue(drive, at, "io_engine", List.of("Sync", "Async"), List.of("Sync"));
        noRateLimiter(drive, at);
        return new RawConfig.RawDrive(id, path, root, readOnly);
    }

    private static boolean entropy(Value v) {
        if (v == null || v == Null.INSTANCE) {
            return false;
        }
        noRateLimiter(section(ENTROPY, v, ENTROPY_KEYS), ENTROPY);
        return true;
    }

    private static void noRateLimiter(Obj obj, String at) {
        if (present(obj, "rate_limiter")) {
            throw new ConfigException(Json.path(at, "rate_limiter") + ": rate limiting is not supported");
        }
    }

    private static boolean present(Obj obj, String key) {
        Value v = obj.members().get(key);
        return v != null && v != Null.INSTANCE;
    }

    /**
     * A Firecracker enum-valued key: absent or null is its default; a value Firecracker knows but
     * Panamax does not implement is "not supported"; anything else is a wrong value.
     */
    private static void enumValue(Obj obj, String at, String key, List<String> known, List<String> supported) {
        String value = optionalString(obj, at, key);
        if (value == null || supported.contains(value)) {
            return;
        }
        String path = Json.path(at, key);
        if (known.contains(value)) {
            throw new ConfigException(path + ": " + Json.quote(value) + " is not supported (only "
                    + quoteAll(supported) + ")");
        }
        throw new ConfigException(path + ": expected " + quoteAll(known) + ", got " + Json.quote(value));
    }

    private static String quoteAll(List<String> values) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                b.append(i == values.size() - 1 ? " or " : ", ");
            }
            b.append(Json.quote(values.get(i)));
        }
        return b.toString();
    }

    private static boolean isEmpty(Value v) {
        return v == Null.INSTANCE
                || v instanceof Arr a && a.elements().isEmpty()
                || v instanceof Obj o && o.members().isEmpty();
    }

    private static Obj section(String key, Value v, Set<String> known) {
        if (!(v instanceof Obj obj)) {
            throw wrongType(key, "an object", v);
        }
        for (String k : obj.members().keySet()) {
            if (!known.contains(k)) {
                throw unknownKey(Json.path(key, k));
            }
        }
        return obj;
    }

    private static String requiredString(Obj obj, String section, String key) {
        String path = Json.path(section, key);
        Value v = obj.members().get(key);
        if (v == null) {
            throw missing(path);
        }
        if (!(v instanceof Str s)) {
            throw wrongType(path, "a string", v);
        }
        return s.value();
    }

    private static String optionalString(Obj obj, String section, String key) {
        Value v = obj.members().get(key);
        if (v == null || v == Null.INSTANCE) {
            return null;
        }
        if (!(v instanceof Str s)) {
            throw wrongType(Json.path(section, key), "a string", v);
        }
        return s.value();
    }

    private static BigInteger requiredInteger(Obj obj, String section, String key) {
        String path = Json.path(section, key);
        Value v = obj.members().get(key);
        if (v == null) {
            throw missing(path);
        }
        if (!(v instanceof Int i)) {
            throw wrongType(path, "an integer", v);
        }
        return i.value();
    }

    private static boolean requiredBoolean(Obj obj, String section, String key) {
        String path = Json.path(section, key);
        Value v = obj.members().get(key);
        if (v == null) {
            throw missing(path);
        }
        if (!(v instanceof Bool b)) {
            throw wrongType(path, "a boolean", v);
        }
        return b.value();
    }

    private static Boolean optionalBoolean(Obj obj, String section, String key) {
        Value v = obj.members().get(key);
        if (v == null || v == Null.INSTANCE) {
            return null;
        }
        if (!(v instanceof Bool b)) {
            throw wrongType(Json.path(section, key), "a boolean", v);
        }
        return b.value();
    }

    /** Firecracker's enum-valued keys whose only value Panamax supports is {@code "None"}. */
    private static void onlyNone(Obj machine, String key) {
        String value = optionalString(machine, MACHINE_CONFIG, key);
        if (value != null && !value.equals("None")) {
            throw new ConfigException(Json.path(MACHINE_CONFIG, key) + ": " + Json.quote(value)
                    + " is not supported (only \"None\")");
        }
    }

    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    /**
     * A 64-bit mask: a JSON integer in 0..2^64-1, or a string of 1 to 16 hex digits after
     * {@code 0x}, with {@code _} allowed between digits ({@code "0xffffffff_ffffffff"}).
     */
    static long featureMask(String path, Value v) {
        BigInteger n = null;
        if (v instanceof Int i) {
            n = i.value();
        } else if (v instanceof Str s) {
            n = parseHex(s.value());
        }
        if (n == null || n.signum() < 0 || n.compareTo(TWO_TO_64) >= 0) {
            throw new ConfigException(path + ": expected a 64-bit mask (an integer in 0..2^64-1 or a hex string like "
                    + "\"0xffffffff_ffffffff\"), got " + Json.describe(v));
        }
        return n.longValue();
    }

    private static BigInteger parseHex(String s) {
        if (!s.matches("0[xX][0-9a-fA-F]+(_[0-9a-fA-F]+)*")) {
            return null;
        }
        String digits = s.substring(2).replace("_", "");
        return digits.length() > 16 ? null : new BigInteger(digits, 16);
    }

    private static ConfigException unknownKey(String path) {
        return new ConfigException(path + ": unknown key");
    }

    private static ConfigException missing(String path) {
        return new ConfigException(path + ": missing required key");
    }

    private static ConfigException wrongType(String path, String expected, Value got) {
        return new ConfigException(path + ": expected " + expected + ", got " + Json.describe(got));
    }
}
