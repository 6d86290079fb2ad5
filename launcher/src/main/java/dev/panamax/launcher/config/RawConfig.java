package dev.panamax.launcher.config;

import dev.panamax.vmm.VmConfig;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The values a user gave, before any checking beyond their JSON type: the one place a
 * {@link VmConfig} is built from user input. {@link ConfigFile} (JSON) and {@link QuickFlags} (CLI
 * flags) both produce one of these, so both refuse the same values with the same messages. Errors
 * name Firecracker's JSON keys ({@code boot-source.kernel_image_path}, ...); range errors are
 * {@link VmConfig}'s own messages.
 *
 * @param kernelImagePath as given; relative paths resolve against the working directory
 * @param initrdPath      as given, or null for none
 * @param bootArgs        the whole kernel command line, or null for {@link VmConfig.BootSource#DEFAULT_BOOT_ARGS}
 * @param vcpuCount       unbounded so that absurd input still gets the range message
 * @param memSizeMib      unbounded, likewise
 * @param cpuidFeatureMask 64 bits, as {@link VmConfig.Machine#cpuidFeatureMask()}
 * @param drives          in order; drive {@code i}'s messages name {@code drives[i]}
 * @param entropy         whether to attach a virtio-rng device
 */
record RawConfig(String kernelImagePath, String initrdPath, String bootArgs,
                 BigInteger vcpuCount, BigInteger memSizeMib, long cpuidFeatureMask,
                 List<RawDrive> drives, boolean entropy) {
    /** Firecracker's default vCPU count when {@code machine-config} is absent. */
    static final int DEFAULT_VCPUS = 1;
    /** Firecracker's {@code DEFAULT_MEM_SIZE_MIB}. */
    static final long DEFAULT_MEM_MIB = 128;

    static final String KERNEL_KEY = "boot-source.kernel_image_path";
    static final String INITRD_KEY = "boot-source.initrd_path";
    static final String VCPU_KEY = "machine-config.vcpu_count";
    static final String MEM_KEY = "machine-config.mem_size_mib";

    RawConfig {
        Objects.requireNonNull(kernelImagePath, "kernelImagePath");
        Objects.requireNonNull(vcpuCount, "vcpuCount");
        Objects.requireNonNull(memSizeMib, "memSizeMib");
        drives = List.copyOf(drives);
    }

    /**
     * One drive as given (a {@code drives} element or a {@code --drive} flag); {@code pathOnHost}
     * is unresolved. Firecracker's other drive keys are either refused or have no effect by the
     * time one of these exists.
     */
    record RawDrive(String driveId, String pathOnHost, boolean isRootDevice, boolean isReadOnly) {
        RawDrive {
            Objects.requireNonNull(driveId, "driveId");
            Objects.requireNonNull(pathOnHost, "pathOnHost");
        }
    }

    /** The message key of drive {@code index}'s file: {@code drives[0].path_on_host}. */
    static String drivePathKey(int index) {
        return "drives[" + index + "].path_on_host";
    }

    /** Validates everything and builds the config; throws {@link ConfigException} on the first problem. */
    VmConfig toVmConfig(Path workingDir) {
        Objects.requireNonNull(workingDir, "workingDir");
        VmConfig.Machine machine;
        try {
            machine = new VmConfig.Machine(
                    toInt(VCPU_KEY, vcpuCount, 1, VmConfig.Machine.MAX_VCPUS),
                    toLong(MEM_KEY, memSizeMib, VmConfig.Machine.MIN_MEM_MIB, VmConfig.Machine.MAX_MEM_MIB),
                    cpuidFeatureMask);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), e);
        }
        Path kernel = readableFile(KERNEL_KEY, kernelImagePath, workingDir);
        Optional<Path> initrd = initrdPath == null
                ? Optional.empty()
                : Optional.of(readableFile(INITRD_KEY, initrdPath, workingDir));
        String args = bootArgs == null ? VmConfig.BootSource.DEFAULT_BOOT_ARGS : bootArgs;
        try {
            List<VmConfig.Drive> built = new ArrayList<>(drives.size());
            for (int i = 0; i < drives.size(); i++) {
                RawDrive d = drives.get(i);
                Path file = readableFile(drivePathKey(i), d.pathOnHost(), workingDir);
                if (!d.isReadOnly() && !Files.isWritable(file)) {
                    throw new ConfigException(drivePathKey(i) + ": " + file
                            + ": not writable (for a read-only drive give is_read_only: true, or PATH,ro to --drive)");
                }
                built.add(new VmConfig.Drive(d.driveId(), file, d.isRootDevice(), d.isReadOnly()));
            }
            Optional<VmConfig.Entropy> rng = entropy ? Optional.of(new VmConfig.Entropy()) : Optional.empty();
            return new VmConfig(new VmConfig.BootSource(kernel, initrd, args), machine, built, rng);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), e);
        }
    }

    /*
     * Values that do not even fit the Java type never reach VmConfig's constructor, so their
     * message is made here in the same "KEY VALUE is not in LO..HI" shape VmConfig uses.
     */
    private static int toInt(String key, BigInteger v, long lo, long hi) {
        if (v.bitLength() >= Integer.SIZE) {
            throw new ConfigException(key + " " + abbreviate(v) + " is not in " + lo + ".." + hi);
        }
        return v.intValue();
    }

    private static long toLong(String key, BigInteger v, long lo, long hi) {
        if (v.bitLength() >= Long.SIZE) {
            throw new ConfigException(key + " " + abbreviate(v) + " is not in " + lo + ".." + hi);
        }
        return v.longValue();
    }

    private static String abbreviate(BigInteger v) {
        String s = v.toString();
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    /**
     * Firecracker opens these paths with {@code File::open}, i.e. relative to its working
     * directory; so do we. The path is made absolute but not normalised or de-symlinked, so that
     * {@code ..} keeps the meaning the kernel gives it.
     */
    static Path readableFile(String key, String given, Path workingDir) {
        if (given.isEmpty()) {
            throw new ConfigException(key + ": empty path");
        }
        Path path;
        try {
            path = workingDir.resolve(given).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new ConfigException(key + ": " + Json.quote(given) + " is not a valid path");
        }
        if (!Files.exists(path)) {
            throw new ConfigException(key + ": " + path + ": no such file");
        }
        if (Files.isDirectory(path)) {
            throw new ConfigException(key + ": " + path + ": is a directory");
        }
        if (!Files.isRegularFile(path)) {
            throw new ConfigException(key + ": " + path + ": not a regular file");
        }
        if (!Files.isReadable(path)) {
            throw new ConfigException(key + ": " + path + ": permission denied");
        }
        return path;
    }
}
