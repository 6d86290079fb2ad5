package dev.panamax.kvm;

import dev.panamax.kvm.sys.Errno;
import dev.panamax.kvm.sys.SyscallException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * What a KVM device path offers this process, decided in one place for the launcher
 * ({@code --probe} and its error lines), {@code MicroVm} and the tests' routing between this
 * host and the nested test host.
 *
 * @param device the path probed
 * @param kind   the answer
 * @param detail what was found, in a few words (the errno, the module, the group)
 * @param remedy what to do for a command that needs Linux to boot; empty on a hardware KVM
 */
public record KvmHost(Path device, Kind kind, String detail, String remedy) {
    private static final String ELSEWHERE = "run on a host with VT-x/AMD-V KVM, or inside the nested test host "
            + "(scripts/nested-host.sh, as scripts/run-guest does)";

    /** Where the KVM device lives on Linux; {@code PANAMAX_KVM_DEVICE} or {@code --kvm-device} move it. */
    public static final Path DEFAULT_DEVICE = Path.of("/dev/kvm");
    /** Environment variable naming another KVM device path (the tests use it to prove the no-device path). */
    public static final String DEVICE_ENV = "PANAMAX_KVM_DEVICE";
    private static final Path SYS_MODULE = Path.of("/sys/module");

    /** The closed set of answers. */
    public enum Kind {
        /** VT-x or AMD-V behind KVM: hand-made guests and Linux both run. */
        HARDWARE,
        /** PVM, a software KVM: hand-made guests run, an unmodified Linux kernel cannot boot. */
        PVM,
        /** Nothing at the path, or a node with no driver behind it. */
        NO_DEVICE,
        /** A device this process may not open (join its group). */
        NO_ACCESS,
        /** Something that opens but does not answer as KVM API version 12. */
        NOT_KVM
    }

    /** Where this process's KVM device is: {@code PANAMAX_KVM_DEVICE}, else /dev/kvm. */
    public static Path configuredDevice() {
        String env = System.getenv(DEVICE_ENV);
        return env == null || env.isBlank() ? DEFAULT_DEVICE : Path.of(env);
    }

    /** Probes the configured device (see {@link #configuredDevice()}). */
    public static KvmHost probe() {
        return probe(configuredDevice());
    }

    /** Opens {@code device}, asks its API version, and says what kind of KVM it is; never throws. */
    public static KvmHost probe(Path device) {
        return probe(device, SYS_MODULE);
    }

    static KvmHost probe(Path device, Path sysModule) {
        try (Kvm kvm = Kvm.open(device.toString())) {
            String version = "API version " + kvm.apiVersion();
            if (Files.exists(sysModule.resolve("kvm_pvm"))) {
                return new KvmHost(device, Kind.PVM, version + ", module kvm_pvm", ELSEWHERE);
            }
            String technology = Files.exists(sysModule.resolve("kvm_intel")) ? "VT-x (kvm_intel)"
                    : Files.exists(sysModule.resolve("kvm_amd")) ? "AMD-V (kvm_amd)" : "hardware-assisted";
            return new KvmHost(device, Kind.HARDWARE, version + ", " + technology, "");
        } catch (SyscallException e) {
            return fromFailure(device, e, sysModule);
        } catch (IllegalStateException e) { // answered, but not as KVM API version 12
            return new KvmHost(device, Kind.NOT_KVM, e.getMessage(), ELSEWHERE);
        }
    }

    private static KvmHost fromFailure(Path device, SyscallException e, Path sysModule) {
        int errno = e.errno();
        if (!e.call().startsWith("open(")) {
            return new KvmHost(device, Kind.NOT_KVM, e.getMessage(), ELSEWHERE);
        }
        if (errno == Errno.ENOENT.code() || errno == Errno.ENXIO.code() || errno == Errno.ENODEV.code()) {
            String modules = Files.exists(sysModule.resolve("kvm"))
                    ? "the kvm module is loaded but registered no device there"
                    : "no kvm module is loaded";
            return new KvmHost(device, Kind.NO_DEVICE, Errno.nameOf(errno) + ", " + modules, ELSEWHERE);
        }
        if (errno == Errno.EACCES.code() || errno == Errno.EPERM.code()) {
            String group = groupOf(device);
            return new KvmHost(device, Kind.NO_ACCESS, Errno.nameOf(errno) + ", owned by group " + group,
                    "add this user to group " + group + " (usermod -aG " + group + " $USER, then log in again)");
        }
        return new KvmHost(device, Kind.NOT_KVM, e.getMessage(), ELSEWHERE);
    }

    private static String groupOf(Path device) {
        try {
            return Files.readAttributes(device, PosixFileAttributes.class).group().getName();
        } catch (IOException | UnsupportedOperationException e) {
            return "kvm";
        }
    }

    /** Hand-made guests (and VM, vCPU creation) work here. */
    public boolean canRunGuests() {
        return kind == Kind.HARDWARE || kind == Kind.PVM;
    }

    /** An unmodified Linux kernel boots here. */
    public boolean canBootLinux() {
        return kind == Kind.HARDWARE;
    }

    /** One line: the device, what it is, and what was found. */
    public String describe() {
        String what = switch (kind) {
            case HARDWARE -> "hardware KVM";
            case PVM -> "PVM, a software KVM (runs hand-made guests; cannot boot an unmodified Linux kernel)";
            case NO_DEVICE -> "no KVM device";
            case NO_ACCESS -> "a KVM device this user may not open";
            case NOT_KVM -> "not a KVM device";
        };
        return device + ": " + what + " (" + detail + ")";
    }

    /**
     * Throws {@link KvmUnavailableException} with {@link #describe()} and {@link #remedy()}
     * unless Linux can boot here.
     */
    public void requireLinuxBoot() {
        if (!canBootLinux()) {
            throw new KvmUnavailableException(this, "cannot boot Linux: " + describe() + "; " + remedy);
        }
    }
}
