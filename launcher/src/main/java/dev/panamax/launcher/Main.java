package dev.panamax.launcher;

import dev.panamax.kvm.KvmHost;
import dev.panamax.kvm.KvmUnavailableException;
import dev.panamax.kvm.sys.SyscallException;
import dev.panamax.launcher.config.ConfigException;
import dev.panamax.launcher.config.ConfigFile;
import dev.panamax.launcher.config.QuickFlags;
import dev.panamax.memory.MappingException;
import dev.panamax.vcpu.StopReason;
import dev.panamax.vmm.Console;
import dev.panamax.vmm.DeviceException;
import dev.panamax.vmm.MicroVm;
import dev.panamax.vmm.VmConfig;
import dev.panamax.vmm.boot.BootException;
import dev.panamax.vmm.boot.BootProtocol;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code panamax}: boots a microVM from a Firecracker-style config file or from quick flags. */
@Command(name = "panamax", mixinStandardHelpOptions = true, version = "panamax 0.1.0",
        description = "A microVM monitor that drives KVM through the Java FFM API.",
        footer = {"", "Exit status: 0 when the guest resets or powers itself off, 1 when the VM fails or the host",
                "cannot run it, 2 for bad configuration or input."})
public final class Main {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    /** Bad configuration or input: one error line, no stack trace. */
    static final int EXIT_USAGE = 2;

    @Option(names = "--config-file", paramLabel = "FILE", description = "Firecracker-style JSON config.")
    Path configFile;

    @Option(names = "--kernel", paramLabel = "PATH", description = "Kernel image: ELF vmlinux or bzImage.")
    String kernel;

    @Option(names = "--initrd", paramLabel = "PATH", description = "Initial ramdisk.")
    String initrd;

    @Option(names = "--append", paramLabel = "ARGS", description = "Kernel command line (replaces the default).")
    String append;

    @Option(names = "--cpus", paramLabel = "N", description = "vCPUs (default 1).")
    String cpus;

    @Option(names = "--mem", paramLabel = "MIB", description = "Guest RAM in MiB (default 128).")
    String mem;

    @Option(names = "--drive", paramLabel = "PATH[,ro]",
            description = "A virtio-blk drive backed by a raw image; repeatable; the first is the root device (/dev/vda).")
    List<String> drives = new ArrayList<>();

    @Option(names = "--entropy", description = "A virtio-rng device fed from the host's random source.")
    boolean entropy;

    @Option(names = "--boot-protocol", paramLabel = "linux|pvh",
            description = "How to enter the kernel: the Linux 64-bit boot protocol (default) or PVH (ELF vmlinux).")
    String bootProtocol;

    @Option(names = "--probe", description = "Print what this host's KVM is and can do, then exit 0.")
    boolean probe;

    @Option(names = "--kvm-device", paramLabel = "PATH",
            description = "The KVM device (default: $PANAMAX_KVM_DEVICE, else /dev/kvm).")
    Path kvmDevice = KvmHost.configuredDevice();

    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;

    Main(PrintStream out, PrintStream err, InputStream in) {
        this.out = out;
        this.err = err;
        this.in = in;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.in));
    }

    /** Runs the launcher as the command line would and returns its exit status. */
    static int run(String[] args, PrintStream out, PrintStream err, InputStream in) {
        Main main = new Main(out, err, in);
        CommandLine cli = new CommandLine(main);
        try {
            CommandLine.ParseResult parsed = cli.parseArgs(args);
            if (parsed.isUsageHelpRequested()) {
                cli.usage(out);
                return EXIT_OK;
            }
            if (parsed.isVersionHelpRequested()) {
                cli.printVersionHelp(out);
                return EXIT_OK;
            }
        } catch (CommandLine.ParameterException e) {
            err.println("panamax: " + e.getMessage());
            return EXIT_USAGE;
        }
        return main.call();
    }

    private int call() {
        if (probe) {
            try {
                HostProbe.print(KvmHost.probe(kvmDevice), out);
            } catch (SyscallException e) { // a device that opened but failed a capability query
                err.println("panamax: " + e.getMessage());
            }
            return EXIT_OK;
        }
        VmConfig config;
        try {
            config = config();
        } catch (ConfigException e) {
            return usageError(e.getMessage());
        }
        try (Terminal terminal = Terminal.rawIfInteractive(in == System.in)) {
            return boot(config);
        } catch (BootException | DeviceException e) {
            return usageError(e.getMessage());
        } catch (KvmUnavailableException | SyscallException | MappingException e) {
            // the host, not the input: one line naming the reason (and, from KvmHost, what to do)
            err.println("panamax: " + e.getMessage());
            return EXIT_FAILURE;
        }
    }

    private VmConfig config() {
        QuickFlags flags = new QuickFlags(kernel, initrd, append, cpus, mem, drives, entropy);
        if (configFile != null && flags.anyGiven()) {
            throw new ConfigException("--config-file cannot be combined with --kernel, --initrd, --append, --cpus, --mem, "
                    + "--drive or --entropy");
        }
        if (configFile == null && !flags.anyGiven()) {
            throw new ConfigException("nothing to boot: give --config-file FILE or --kernel PATH (see --help)");
        }
        VmConfig config = configFile != null ? ConfigFile.read(configFile) : flags.toVmConfig();
        return bootProtocol == null ? config : new VmConfig(config.boot().withProtocol(protocol(bootProtocol)),
                config.machine(), config.drives(), config.entropy());
    }

    private static BootProtocol protocol(String name) {
        return switch (name) {
            case "linux" -> BootProtocol.LINUX_64;
            case "pvh" -> BootProtocol.PVH;
            default -> throw new ConfigException("--boot-protocol: expected linux or pvh, got \"" + name + "\"");
        };
    }

    private int boot(VmConfig config) {
        try (MicroVm vm = MicroVm.start(config, new Console(Optional.of(in), out), kvmDevice)) {
            StopReason reason = vm.awaitStop();
            out.flush();
            err.println("panamax: " + reason.describe());
            return switch (reason) {
                case StopReason.Reset r -> EXIT_OK;
                case StopReason.Shutdown s -> EXIT_OK;
                case StopReason.Stopped s -> EXIT_OK;
                case StopReason.Failure f -> EXIT_FAILURE;
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_FAILURE;
        }
    }

    private int usageError(String message) {
        err.println("panamax: " + message);
        return EXIT_USAGE;
    }
}
