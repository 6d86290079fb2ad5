package dev.panamax.launcher;

import dev.panamax.kvm.KvmHost;
import dev.panamax.kvm.KvmUnavailableException;
import dev.panamax.kvm.Seccomp;
import dev.panamax.kvm.sys.SyscallException;
import dev.panamax.launcher.api.ApiServer;
import dev.panamax.launcher.api.MicroVmLifecycle;
import dev.panamax.launcher.api.SnapshotLoad;
import dev.panamax.launcher.api.VmLifecycle;
import dev.panamax.launcher.api.VmStarter;
import dev.panamax.launcher.api.VmController;
import dev.panamax.config.ConfigException;
import dev.panamax.config.PreBootConfig;
import dev.panamax.launcher.logging.DefaultLogConfigurator;
import dev.panamax.launcher.logging.LogOutput;
import dev.panamax.config.QuickFlags;
import dev.panamax.memory.MappingException;
import dev.panamax.vcpu.StopReason;
import dev.panamax.vmm.Console;
import dev.panamax.vmm.DeviceException;
import dev.panamax.vmm.MicroVm;
import dev.panamax.memory.MemoryDiff;
import dev.panamax.vmm.PanamaxVersion;
import dev.panamax.vmm.Snapshot;
import dev.panamax.vmm.snapshot.SnapshotFormatException;
import dev.panamax.vmm.VmConfig;
import dev.panamax.vmm.boot.BootException;
import dev.panamax.vmm.boot.BootProtocol;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** {@code panamax}: boots a microVM from a Firecracker-style config file or from quick flags. */
@Command(name = "panamax", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A microVM monitor that drives KVM through the Java FFM API.",
        footer = {"", "Exit status: 0 when the guest resets or powers itself off, 1 when the VM fails or the host",
                "cannot run it, 2 for bad configuration or input."})
public final class Main {
    /** {@code --version}'s line. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"panamax " + PanamaxVersion.VERSION};
        }
    }
    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    /** Bad configuration or input: one error line, no stack trace. */
    static final int EXIT_USAGE = 2;
    /** Firecracker's rule for {@code --id}. */
    private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final String QUICK_FLAGS = "--kernel, --initrd, --append, --cpus, --mem, --drive, --entropy, --net "
            + "or --vsock";

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

    @Option(names = "--net", paramLabel = "TAP[,mac=MAC]",
            description = "A virtio-net interface on an existing TAP (eth0, eth1, ... in order); repeatable.")
    List<String> nets = new ArrayList<>();

    @Option(names = "--vsock", paramLabel = "CID,PATH",
            description = "A virtio-vsock device with guest CID; host programs reach it through the Unix socket PATH "
                    + "(Firecracker's CONNECT <port> convention; guest connections to port P go to PATH_P).")
    String vsock;

    @Option(names = "--boot-protocol", paramLabel = "linux|pvh",
            description = "How to enter the kernel: the Linux 64-bit boot protocol (default) or PVH (ELF vmlinux).")
    String bootProtocol;

    @Option(names = "--boot-timer",
            description = "Add Firecracker's boot-timer device (4 KiB MMIO at 0xc0000000): when the guest writes 123 "
                    + "there, Panamax logs Guest-boot-time, measured from the VM's start.")
    boolean bootTimer;

    @Option(names = "--jfr", paramLabel = "FILE",
            description = "Record a JDK Flight Recorder file (the JDK's default settings plus Panamax's dev.panamax.* "
                    + "events), written at exit; see it with jfr print --events 'dev.panamax.*' FILE.")
    Path jfr;

    @Option(names = "--snapshot-load", paramLabel = "STATE,MEM",
            description = "Restore the snapshot in state file STATE and memory file MEM (written by PUT /snapshot/create) "
                    + "instead of booting; the guest goes on at once, its devices as the snapshot names them.")
    String snapshotLoad;

    @Option(names = "--snapshot-rebase", paramLabel = "BASE,DIFF",
            description = "Apply the Diff snapshot memory file DIFF over BASE, the memory file of the snapshot before it "
                    + "(BASE is changed: copy it first to keep it), then exit; BASE then loads with the Diff's state "
                    + "file like a Full snapshot's memory.")
    String snapshotRebase;

    @Option(names = "--probe", description = "Print what this host's KVM is and can do, then exit 0.")
    boolean probe;

    @Option(names = "--api-sock", paramLabel = "PATH",
            description = "Serve Firecracker's REST API on a new Unix socket at PATH (removed on exit); with "
                    + "--config-file the VM starts at once, else at PUT /actions InstanceStart.")
    Path apiSock;

    @Option(names = "--id", paramLabel = "ID",
            description = "The instance id that log lines and the API's GET / carry (default anonymous-instance).")
    String instanceId = DefaultLogConfigurator.DEFAULT_INSTANCE_ID;

    @Option(names = "--no-seccomp",
            description = "Do not install the seccomp filter that, once the VM is built, kills Panamax if it makes a "
                    + "system call a VMM never needs (execve, ptrace, mount, bpf, kexec, ...; see README, Security).")
    boolean noSeccomp;

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
        if (!VALID_ID.matcher(instanceId).matches()) {
            return usageError("--id: expected 1 to 64 letters, digits and '-', got \"" + instanceId + "\"");
        }
        if (!instanceId.equals(DefaultLogConfigurator.DEFAULT_INSTANCE_ID)) {
            LogOutput.configureDefaults(instanceId);
        }
        if (snapshotRebase != null) {
            return rebase();
        }
        if (probe) {
            try {
                HostProbe.print(KvmHost.probe(kvmDevice), out);
            } catch (SyscallException e) { // a device that opened but failed a capability query
                err.println("panamax: " + e.getMessage());
            }
            return EXIT_OK;
        }
        // one answer per kind of failure, whether the VM comes from the flags, a config file or the API
        try (FlightRecording recording = jfr == null ? null : FlightRecording.start(jfr)) {
            if (apiSock != null) {
                return serveApi();
            }
            if (configFile != null) {
                return runConfigFile();
            }
            if (snapshotLoad != null) {
                return runSnapshot();
            }
            VmConfig config = flagsConfig();
            try (Terminal terminal = Terminal.rawIfInteractive(in == System.in)) {
                return untilStopped(start(config));
            }
        } catch (ConfigException | BootException | DeviceException e) {
            return usageError(e.getMessage());
        } catch (KvmUnavailableException | SyscallException | MappingException e) {
            // the host, not the input: one line naming the reason (and, from KvmHost, what to do)
            err.println("panamax: " + e.getMessage());
            return EXIT_FAILURE;
        }
    }

    /**
     * {@code --api-sock}: serves the API until the VM it starts stops (or, with no InstanceStart,
     * until the process is ended). With {@code --config-file} the VM starts first, through the same
     * {@link VmController#instanceStart()} as the API's {@code InstanceStart}, so a bad config
     * exits 2 before the socket exists.
     */
    private int serveApi() {
        if (quickFlags().anyGiven()) {
            return usageError("--api-sock cannot be combined with " + QUICK_FLAGS + " (give the VM with --config-file or through the API)");
        }
        if (Files.exists(apiSock, LinkOption.NOFOLLOW_LINKS)) {
            return usageError("--api-sock " + apiSock + ": already exists (another VM's socket? remove it or choose "
                    + "another path)");
        }
        CompletableFuture<MicroVm> started = new CompletableFuture<>();
        try {
            if (bootProtocol != null) {
                protocol(bootProtocol); // refused now rather than at InstanceStart
            }
            try (VmController controller = controller(started)) {
                if (configFile != null) {
                    controller.instanceStart();
                }
                try (ApiServer server = ApiServer.start(apiSock, controller)) {
                    MicroVm vm = started.get();
                    try (Terminal terminal = Terminal.rawIfInteractive(in == System.in)) {
                        return untilStopped(vm);
                    }
                }
            }
        } catch (IOException e) {
            err.println("panamax: --api-sock " + apiSock + ": cannot serve the API there: " + e.getMessage());
            started.thenAccept(MicroVm::stop); // a --config-file VM that started before the socket failed
            return EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_FAILURE;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // the future is only ever completed normally
        }
    }

    private QuickFlags quickFlags() {
        return new QuickFlags(kernel, initrd, append, cpus, mem, drives, entropy, nets, vsock);
    }

    /**
     * {@code --config-file} without the API: the file's VM started through the same controller as
     * the API's (logger and metrics sections included), then run until it stops.
     */
    private int runConfigFile() {
        if (quickFlags().anyGiven()) {
            throw new ConfigException("--config-file cannot be combined with " + QUICK_FLAGS);
        }
        CompletableFuture<MicroVm> started = new CompletableFuture<>();
        try (VmController controller = controller(started)) {
            controller.instanceStart();
            try (Terminal terminal = Terminal.rawIfInteractive(in == System.in)) {
                return untilStopped(started.join());
            }
        }
    }

    /**
     * The controller of this launch's VM: the config file's (its logger applied, its metrics file
     * opened) or an empty one for the API to fill; the VM it starts completes {@code started}.
     */
    private VmController controller(CompletableFuture<MicroVm> started) {
        Path workingDir = Path.of("").toAbsolutePath();
        PreBootConfig preBoot = configFile == null ? PreBootConfig.empty(workingDir)
                : PreBootConfig.read(configFile, workingDir);
        preBoot.applyLogger(settings -> LogOutput.configure(settings, instanceId));
        VmController controller = new VmController(preBoot, new VmStarter() {
            @Override
            public VmLifecycle start(VmConfig config) {
                MicroVm vm = Main.this.start(withLauncherFlags(config));
                started.complete(vm);
                return new MicroVmLifecycle(vm);
            }

            @Override
            public VmLifecycle restore(SnapshotLoad load) {
                MicroVm vm = Main.this.restore(load);
                started.complete(vm);
                return new MicroVmLifecycle(vm);
            }
        }, PanamaxVersion.VERSION, instanceId);
        controller.openConfiguredMetrics();
        return controller;
    }

    private VmConfig flagsConfig() {
        QuickFlags flags = quickFlags();
        if (!flags.anyGiven()) {
            throw new ConfigException("nothing to boot: give --config-file FILE or --kernel PATH (see --help)");
        }
        return withLauncherFlags(flags.toVmConfig());
    }

    /** {@code config} entered as {@code --boot-protocol} says, when it is given, and with the boot timer of {@code --boot-timer}. */
    private VmConfig withLauncherFlags(VmConfig config) {
        VmConfig entered = bootProtocol == null ? config
                : config.withBoot(config.boot().withProtocol(protocol(bootProtocol)));
        return bootTimer ? entered.withBootTimer(true) : entered;
    }

    private static BootProtocol protocol(String name) {
        return switch (name) {
            case "linux" -> BootProtocol.LINUX_64;
            case "pvh" -> BootProtocol.PVH;
            default -> throw new ConfigException("--boot-protocol: expected linux or pvh, got \"" + name + "\"");
        };
    }

    /** Starts {@code config} with the console on this launcher's streams, under the seccomp filter unless --no-seccomp. */
    private MicroVm start(VmConfig config) {
        VmConfig named = instanceId.equals(DefaultLogConfigurator.DEFAULT_INSTANCE_ID) ? config : config.withName(instanceId);
        return MicroVm.start(named, new Console(Optional.of(in), out), kvmDevice, guestRunsHook());
    }

    /** {@code --snapshot-load STATE,MEM}: restores the snapshot, running, and waits for it to stop. */
    private int runSnapshot() {
        if (quickFlags().anyGiven()) {
            throw new ConfigException("--snapshot-load cannot be combined with " + QUICK_FLAGS);
        }
        String[] files = snapshotLoad.split(",", -1);
        if (files.length != 2 || files[0].isEmpty() || files[1].isEmpty()) {
            throw new ConfigException("--snapshot-load: expected STATE,MEM (two paths), got \"" + snapshotLoad + "\"");
        }
        SnapshotLoad load = new SnapshotLoad(Path.of(files[0]), Path.of(files[1]), true, java.util.Map.of(),
                Optional.empty());
        try (Terminal terminal = Terminal.rawIfInteractive(in == System.in)) {
            return untilStopped(restore(load));
        }
    }

    /** Restores {@code load} with the console on this launcher's streams; a file that cannot be restored is bad input. */
    /** What runs once the VM is built, before its guest: the seccomp filter unless {@code --no-seccomp}. */
    private Runnable guestRunsHook() {
        return noSeccomp ? () -> { } : Seccomp::install;
    }

    private MicroVm restore(SnapshotLoad load) {
        try (Snapshot snapshot = Snapshot.load(load.statePath(), load.memoryPath())) {
            VmConfig config = load.applyTo(snapshot.config());
            VmConfig named = instanceId.equals(DefaultLogConfigurator.DEFAULT_INSTANCE_ID) ? config
                    : config.withName(instanceId);
            return MicroVm.restore(snapshot, named, new Console(Optional.of(in), out), load.resume(), kvmDevice,
                    guestRunsHook());
        } catch (SnapshotFormatException | IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        } catch (IOException e) {
            throw new ConfigException("snapshot: cannot read " + load.statePath() + " and " + load.memoryPath() + ": "
                    + e.getMessage());
        }
    }

    /** {@code --snapshot-rebase BASE,DIFF}: copies DIFF's data into BASE and says how much. */
    private int rebase() {
        if (quickFlags().anyGiven() || configFile != null || apiSock != null || snapshotLoad != null) {
            return usageError("--snapshot-rebase cannot be combined with a VM to run (" + QUICK_FLAGS
                    + ", --config-file, --api-sock or --snapshot-load)");
        }
        String[] files = snapshotRebase.split(",", -1);
        if (files.length != 2 || files[0].isEmpty() || files[1].isEmpty()) {
            return usageError("--snapshot-rebase: expected BASE,DIFF (two paths), got \"" + snapshotRebase + "\"");
        }
        try {
            long copied = MemoryDiff.rebase(Path.of(files[0]), Path.of(files[1]));
            err.println("panamax: " + files[1] + " applied over " + files[0] + ": " + copied + " bytes");
            return EXIT_OK;
        } catch (java.nio.file.NoSuchFileException e) {
            return usageError("--snapshot-rebase: no such file " + e.getFile());
        } catch (IllegalArgumentException | IOException | MappingException e) {
            return usageError("--snapshot-rebase: " + e.getMessage());
        }
    }

    /** Waits for {@code vm} to stop, closes it, and says what to exit with. */
    private int untilStopped(MicroVm started) {
        try (MicroVm vm = started) {
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
