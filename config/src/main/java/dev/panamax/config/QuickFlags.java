package dev.panamax.config;

import dev.panamax.vmm.VmConfig;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The launcher's quick flags, {@code --kernel PATH --initrd PATH --append ARGS --cpus N --mem MIB
 * [--drive PATH[,ro]]... [--entropy] [--net TAP[,mac=MAC]]... [--vsock CID,PATH]}, as given on the command line (null = not given). They map
 * one to one onto the config model ({@link FirecrackerConfig}), that is onto the config file's
 * {@code kernel_image_path}, {@code initrd_path}, {@code boot_args}, {@code vcpu_count},
 * {@code mem_size_mib}, {@code drives} and {@code entropy}, and go through the same checks, so errors after parsing carry the same messages (and so name
 * those JSON keys, e.g. {@code drives[0].path_on_host}); only a value that is not a number, or a
 * {@code --drive} that is not {@code PATH[,ro]}, names the flag.
 *
 * <p>Defaults are Firecracker's: 1 vCPU, 128 MiB, and {@link VmConfig.BootSource#DEFAULT_BOOT_ARGS}
 * as the command line, which has no {@code console=}: as with Firecracker's {@code boot_args}, pass
 * e.g. {@code --append "console=ttyS0 reboot=k panic=1"} to see the guest's console. {@code --append}
 * replaces the default command line rather than adding to it (also like {@code boot_args}).
 * {@code --mem} takes a plain number of MiB; no suffixes.
 *
 * <p>Each {@code --drive} becomes a drive with {@code drive_id} {@code drive0}, {@code drive1}, ...
 * in the order given. The first is the root device (it becomes the guest's {@code /dev/vda}, as
 * with the common {@code qemu -drive file=rootfs.img} plus {@code root=/dev/vda}); the others are
 * plain data disks. {@code PATH,ro} attaches the image read-only. The path itself may not contain
 * a comma (use a config file, or a symlink, for such a path). {@code --entropy} attaches a
 * virtio-rng device, like an {@code "entropy": {}} section.
 *
 * <p>Each {@code --net} becomes a network interface with {@code iface_id} {@code eth0},
 * {@code eth1}, ... on the existing TAP named, with {@code guest_mac} when {@code ,mac=MAC} follows.
 * {@code --vsock CID,PATH} is the {@code vsock} section: guest CID and {@code uds_path} (the path
 * is everything after the first comma).
 *
 * @param drives the {@code --drive} values in order; null (picocli's "never given") means none
 */
public record QuickFlags(String kernel, String initrd, String append, String cpus, String mem,
                         List<String> drives, boolean entropy, List<String> nets, String vsock) {
    public static final int DEFAULT_CPUS = MachineConfig.DEFAULT_VCPUS;
    public static final long DEFAULT_MEM_MIB = MachineConfig.DEFAULT_MEM_MIB;

    private static final Pattern WHOLE_NUMBER = Pattern.compile("-?[0-9]+");
    private static final String READ_ONLY_SUFFIX = ",ro";
    private static final String MAC_OPTION = ",mac=";

    public QuickFlags {
        drives = drives == null ? List.of() : List.copyOf(drives);
        nets = nets == null ? List.of() : List.copyOf(nets);
    }

    /** No devices. */
    public QuickFlags(String kernel, String initrd, String append, String cpus, String mem) {
        this(kernel, initrd, append, cpus, mem, List.of(), false, List.of(), null);
    }

    /** Whether any quick flag was given. */
    public boolean anyGiven() {
        return kernel != null || initrd != null || append != null || cpus != null || mem != null
                || !drives.isEmpty() || entropy || !nets.isEmpty() || vsock != null;
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
                ? MachineConfig.DEFAULT.vcpuCount()
                : wholeNumber("--cpus", cpus, "a whole number of vCPUs");
        BigInteger memMib = mem == null
                ? MachineConfig.DEFAULT.memSizeMib()
                : wholeNumber("--mem", mem, "a whole number of MiB (e.g. 1024)");
        return new FirecrackerConfig(new BootSourceConfig(kernel, initrd, append), new MachineConfig(vcpus, memMib),
                driveConfigs(drives), entropy ? new EntropyConfig(null) : null, netConfigs(nets),
                vsock == null ? null : vsockConfig(vsock))
                .toVmConfig(workingDir);
    }

    private static List<NetworkInterfaceConfig> netConfigs(List<String> values) {
        List<NetworkInterfaceConfig> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            int mac = value.indexOf(MAC_OPTION);
            String tap = mac < 0 ? value : value.substring(0, mac);
            if (tap.isEmpty() || tap.indexOf(',') >= 0) {
                throw new ConfigException("--net: expected TAP[,mac=MAC], got " + Show.quote(value));
            }
            out.add(new NetworkInterfaceConfig("eth" + i, tap, mac < 0 ? null : value.substring(mac + MAC_OPTION.length())));
        }
        return out;
    }

    private static VsockConfig vsockConfig(String value) {
        int comma = value.indexOf(',');
        if (comma < 0) {
            throw new ConfigException("--vsock: expected CID,PATH, got " + Show.quote(value));
        }
        return new VsockConfig(wholeNumber("--vsock", value.substring(0, comma), "CID,PATH with a whole-number CID"),
                value.substring(comma + 1));
    }

    private static List<DriveConfig> driveConfigs(List<String> values) {
        List<DriveConfig> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            boolean readOnly = value.endsWith(READ_ONLY_SUFFIX);
            String path = readOnly ? value.substring(0, value.length() - READ_ONLY_SUFFIX.length()) : value;
            if (path.indexOf(',') >= 0) {
                throw new ConfigException("--drive: expected PATH[,ro], got " + Show.quote(value));
            }
            out.add(new DriveConfig("drive" + i, path, i == 0, readOnly));
        }
        return out;
    }

    private static BigInteger wholeNumber(String flag, String text, String expected) {
        if (!WHOLE_NUMBER.matcher(text).matches()) {
            throw new ConfigException(flag + ": expected " + expected + ", got " + Show.quote(text));
        }
        return new BigInteger(text);
    }
}
