package dev.panamax.it;

import dev.panamax.vcpu.StopReason;
import dev.panamax.vmm.Console;
import dev.panamax.vmm.MicroVm;
import dev.panamax.vmm.Snapshot;
import dev.panamax.vmm.VmConfig;
import dev.panamax.vmm.boot.BootProtocol;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A booted test guest with its console: type shell commands, wait for what they print, and
 * end with {@code reboot -f}.
 */
final class GuestSession implements AutoCloseable {
    static final String MARKER = "PANAMAX-INIT-OK";
    /** Generous: under the nested host's TCG a boot takes seconds, the JVM's warm-up more. */
    static final Duration TIMEOUT = Duration.ofSeconds(180);
    /** No i8042.noaux: the i8042 answers that there is no AUX port, so Linux gives the mouse port up at once. */
    static final String QUIET = "console=ttyS0 quiet panic=-1 reboot=k";
    /** busybox sh's prompt as root in /; typing before it is there races the shell's start-up. */
    static final String PROMPT = "/ # ";

    private final GuestConsole console;
    private final MicroVm vm;
    private int cursor;

    private GuestSession(GuestConsole console, MicroVm vm, int cursor) {
        this.console = console;
        this.vm = vm;
        this.cursor = cursor;
    }

    /** Boots {@code config} up to the shell prompt (twice at most in the nested host, see {@link BootHang}). */
    private static GuestSession start(VmConfig config) throws Exception {
        return BootHang.retriedOnceInNestedHost(() -> {
            GuestConsole console = new GuestConsole();
            MicroVm vm = MicroVm.start(config, new Console(Optional.of(console.input()), console));
            try {
                int marker = console.await(MARKER, 0, TIMEOUT).end();
                return new GuestSession(console, vm, console.await(Pattern.quote(PROMPT), marker, TIMEOUT).end());
            } catch (AssertionError e) {
                throw BootHang.of(vm, e.getMessage(), e);
            }
        });
    }

    /**
     * A guest restored from an in-JVM snapshot with {@code config} and resumed at once; its
     * console starts empty (commands typed now reach the shell the snapshot paused).
     */
    static GuestSession restore(Snapshot snapshot, VmConfig config) {
        GuestConsole console = new GuestConsole();
        return new GuestSession(console,
                MicroVm.restore(snapshot, config, new Console(Optional.of(console.input()), console), true), 0);
    }

    /** Boots bzImage + the test initramfs with these devices and waits for init's marker. */
    static GuestSession boot(int cpus, long memMib, List<VmConfig.Drive> drives, boolean entropy)
            throws Exception {
        return start(testGuest(cpus, memMib, drives, entropy ? Optional.of(new VmConfig.Entropy()) : Optional.empty(),
                List.of(), Optional.empty()));
    }

    /** Boots bzImage + the test initramfs with these drives and dirty-page tracking on (for diff snapshots). */
    static GuestSession bootTrackingDirtyPages(int cpus, long memMib, List<VmConfig.Drive> drives) throws Exception {
        VmConfig config = testGuest(cpus, memMib, drives, Optional.empty(), List.of(), Optional.empty());
        return start(config.withMachine(config.machine().withTrackDirtyPages(true)));
    }

    /** Boots bzImage + the test initramfs with these network interfaces (no drives, no rng). */
    static GuestSession bootWithNetwork(int cpus, long memMib, List<VmConfig.NetworkInterface> nets) throws Exception {
        return start(testGuest(cpus, memMib, List.of(), Optional.empty(), nets, Optional.empty()));
    }

    /** Boots bzImage + the test initramfs (1 vCPU, 128 MiB) with a vsock device. */
    static GuestSession bootWithVsock(VmConfig.Vsock vsock) throws Exception {
        return start(testGuest(1, 128, List.of(), Optional.empty(), List.of(), Optional.of(vsock)));
    }

    /** Boots bzImage + the test initramfs (1 vCPU, 128 MiB, no devices) on this kernel command line. */
    static GuestSession bootWithArgs(String bootArgs) throws Exception {
        return start(new VmConfig(new VmConfig.BootSource(TestHost.guestArtifact("bzImage"),
                Optional.of(TestHost.guestArtifact("initramfs.cpio.gz")), bootArgs, BootProtocol.LINUX_64),
                new VmConfig.Machine(1, 128), List.of(), Optional.empty()));
    }

    /** bzImage + the test initramfs, on the quiet command line, with these devices. */
    private static VmConfig testGuest(int cpus, long memMib, List<VmConfig.Drive> drives,
            Optional<VmConfig.Entropy> entropy, List<VmConfig.NetworkInterface> nets, Optional<VmConfig.Vsock> vsock) {
        return new VmConfig(new VmConfig.BootSource(TestHost.guestArtifact("bzImage"),
                Optional.of(TestHost.guestArtifact("initramfs.cpio.gz")), QUIET, BootProtocol.LINUX_64),
                new VmConfig.Machine(cpus, memMib), drives, entropy, nets, vsock);
    }

    /** Boots bzImage without an initramfs: the kernel mounts {@code rootImage} as its root and runs its init. */
    static GuestSession bootFromRootDrive(Path rootImage) throws Exception {
        VmConfig config = new VmConfig(new VmConfig.BootSource(TestHost.guestArtifact("bzImage"), Optional.empty(),
                QUIET, BootProtocol.LINUX_64), new VmConfig.Machine(1, 128),
                List.of(drive("rootfs", rootImage, true, false)), Optional.empty());
        return start(config);
    }

    /** Types {@code command}, waits for {@code regex} in what follows, and returns the match. */
    Matcher run(String command, String regex) throws IOException, InterruptedException {
        console.type(command);
        Matcher m = console.await(regex, cursor, TIMEOUT);
        cursor = m.end();
        return m;
    }

    /** Reboots the guest and checks that Panamax saw the reset. */
    void reboot() throws IOException, InterruptedException {
        console.type("reboot -f");
        assertThat(vm.awaitStop(TIMEOUT)).contains(new StopReason.Reset("i8042 reset command"));
    }

    /** The VM, for tests that drive its lifecycle. */
    MicroVm vm() {
        return vm;
    }

    /** The console, for tests that read more of what the guest prints than one command's answer. */
    GuestConsole console() {
        return console;
    }

    static VmConfig.Drive drive(String id, Path file, boolean root, boolean readOnly) {
        return new VmConfig.Drive(id, file, root, readOnly);
    }

    @Override
    public void close() throws InterruptedException {
        long reraised = vm.serialInterruptsReraised();
        if (reraised > 0) {
            System.out.println("[guest] the serial interrupt had to be raised again " + reraised + " times");
        }
        vm.close();
        // close() stops and joins the thread that copies typed input into the UART's eventfd
        assertThat(Thread.getAllStackTraces().keySet()).as("threads alive after close")
                .noneMatch(t -> t.getName().equals("serial-in"));
    }
}
