package dev.panamax.launcher.config;

import dev.panamax.vmm.VmConfig;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The launcher's quick flags, {@code --kernel PATH --initrd PATH --append ARGS --cpus N --mem MIB},
 * as given on the command line (null = not given). They map one to one onto the config file's
 * {@code kernel_image_path}, {@code initrd_path}, {@code boot_args}, {@code vcpu_count} and
 * {@code mem_size_mib}, and go through the same checks, so errors after parsing carry the same
 * messages (and so name those JSON keys); only a value that is not a number names the flag.
 *
 * <p>Defaults are Firecracker's: 1 vCPU, 128 MiB, and {@link VmConfig.BootSource#DEFAULT_BOOT_ARGS}
 * as the command line, which has no {@code console=}: as with Firecracker's {@code boot_args}, pass
 * e.g. {@code --append "console=ttyS0 reboot=k panic=1"} to see the guest's console. {@code --append}
 * replaces the default command line rather than adding to it (also like {@code boot_args}).
 * {@code --mem} takes a plain number of MiB; no suffixes.
 */
public record QuickFlags(String kernel, String initrd, String append, String cpus, String mem) {
    public static final int DEFAULT_CPUS = RawConfig.DEFAULT_VCPUS;
    public static final long DEFAULT_MEM_MIB = RawConfig.DEFAULT_MEM_MIB;

    private static final Pattern WHOLE_NUMBER = Pattern.compile("-?[0-9]+");

    /** Whether any quick flag was given. */
    public boolean anyGiven() {
        return kernel != null || initrd != null || append != null || cpus != null || mem != null;
    }

    /** Builds the config; relative paths resolve against the current working directory. */
    public VmConfig toVmConfig() {
        return toVmConfig(Path.of("").toAbsolutePath());
    }

    /** Builds the config; relative paths resolve against {@code workingDir}. */
    public VmConfig toVmConfig(Path workingDir) {
        if (kernel == null) {
            throw new ConfigException("--kernel: missing required option");
        }
        BigInteger vcpus = cpus == null
                ? BigInteger.valueOf(DEFAULT_CPUS)
                : wholeNumber("--cpus", cpus, "a whole number of vCPUs");
        BigInteger memMib = mem == null
                ? BigInteger.valueOf(DEFAULT_MEM_MIB)
                : wholeNumber("--mem", mem, "a whole number of MiB (e.g. 1024)");
        return new RawConfig(kernel, initrd, append, vcpus, memMib, VmConfig.Machine.ALL_FEATURES)
                .toVmConfig(workingDir);
    }

    private static BigInteger wholeNumber(String flag, String text, String expected) {
        if (!WHOLE_NUMBER.matcher(text).matches()) {
            throw new ConfigException(flag + ": expected " + expected + ", got " + Json.quote(text));
        }
        return new BigInteger(text);
    }
}
