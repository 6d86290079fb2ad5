package dev.panamax.it;

import dev.panamax.kvm.testing.BootsLinux;
import dev.panamax.vmm.Console;
import dev.panamax.vmm.MicroVm;
import dev.panamax.vmm.Snapshot;
import dev.panamax.vmm.VmConfig;
import dev.panamax.vmm.VmState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;

import static dev.panamax.it.SnapshotChecks.TICKING;
import static dev.panamax.it.SnapshotChecks.assertTicksGoOn;
import static dev.panamax.it.SnapshotChecks.debugfsCat;
import static dev.panamax.it.SnapshotChecks.lastTick;
import static dev.panamax.it.SnapshotChecks.line;
import static dev.panamax.it.SnapshotChecks.mkfs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Snapshot and restore of the real test guest (issue 14). A guest with a data drive sets a shell
 * variable, starts a loop that prints {@code TICK n} every second, writes a file to the drive and
 * syncs; it is paused and snapshotted twice (to files, and in the JVM), and closed. Restored from
 * the files (paused first, then resumed): the variable is there, the counter goes on from where
 * it stopped (not from 1), the file is there, and a new write reaches the image. Then the
 * in-JVM snapshot is restored {@code -Dpanamax.snapshot.restores} times (default 20, as the issue asks), each on
 * its own copy of the drive as it was at the snapshot: each finds the same state and none sees
 * another's writes (the counter is checked in the first and last of these rounds: it costs three
 * guest seconds a round, which under double emulation took the test past its time limit). Restore-to-responsive is timed against the cold boot.
 */
@BootsLinux
class SnapshotIT {
    private static final int RESTORES = Integer.getInteger("panamax.snapshot.restores", 20);
    private static final Duration TIMEOUT = GuestSession.TIMEOUT;
    private static final String VARIABLE = "panamax14";

    @TempDir
    Path dir;

    @Test
    void aRestoredGuestGoesOnWhereItWasPausedAgainAndAgain() throws Exception {
        Path image = dir.resolve("data.ext4");
        mkfs(image);
        Path state = dir.resolve("vm.snap");
        Path memory = dir.resolve("vm.mem");
        Path pristine = dir.resolve("data-at-snapshot.ext4");

        long bootBegin = System.nanoTime();
        Snapshot inJvm;
        int lastTick;
        VmConfig config;
        try (GuestSession guest = GuestSession.boot(1, 128,
                List.of(GuestSession.drive("data", image, false, false)), false)) {
            long coldBoot = System.nanoTime() - bootBegin;
            System.out.printf("[snapshot] cold boot to the shell prompt: %d ms%n", coldBoot / 1_000_000);
            guest.run("mkdir -p /mnt && mount /dev/vda /mnt && echo mounted-ok", line("mounted-ok"));
            guest.run("SNAP=" + VARIABLE + "; echo set-$SNAP", "set-" + VARIABLE);
            guest.run("echo before-snapshot > /mnt/a && sync && echo synced-ok", line("synced-ok"));
            guest.run(TICKING, "TICK 3\\r?\\n");

            MicroVm vm = guest.vm();
            assertThatThrownBy(() -> vm.snapshot(state, memory))
                    .hasMessage("cannot snapshot: the VM is running; pause it first");
            vm.pause();
            lastTick = lastTick(guest.console().text());
            vm.snapshot(state, memory);
            inJvm = vm.snapshot();
            config = inJvm.config();
            Files.copy(image, pristine); // the drive as the snapshot knows it (synced, mounted)
            System.out.printf("[snapshot] paused at TICK %d; state file %d bytes, memory file %d bytes%n",
                    lastTick, Files.size(state), Files.size(memory));
        }

        try (inJvm) {
            // from the files, paused first
            GuestConsole console = new GuestConsole();
            long begin = System.nanoTime();
            MicroVm restored = MicroVm.restore(state, memory, new Console(Optional.of(console.input()), console), false);
            try {
                assertThat(restored.state()).isEqualTo(VmState.PAUSED);
                restored.resume();
                Responsive r = checkRestored(console, lastTick, "from-files", true);
                System.out.printf("[snapshot] restore from files to responsive: %d ms%n",
                        (r.atNanos() - begin) / 1_000_000);
                type(console, "umount /mnt && echo unmounted-ok");
                console.await(line("unmounted-ok"), r.cursor(), TIMEOUT);
            } finally {
                restored.close();
            }
            assertThat(debugfsCat(image, "/from-files")).isEqualTo("from-files\n");

            // from the in-JVM snapshot, again and again, each on its own copy of the drive
            List<Long> times = new ArrayList<>();
            for (int round = 1; round <= RESTORES; round++) {
                Path copy = dir.resolve("data-" + round + ".ext4");
                Files.copy(pristine, copy);
                VmConfig own = new VmConfig(config.boot(), config.machine(),
                        List.of(new VmConfig.Drive("data", copy, false, false)), config.entropy(),
                        config.networkInterfaces(), config.vsock(), config.bootTimer(), Optional.of("round-" + round));
                GuestConsole c = new GuestConsole();
                long start = System.nanoTime();
                MicroVm vm = MicroVm.restore(inJvm, own, new Console(Optional.of(c.input()), c), true);
                try {
                    // the counter costs three guest seconds a round: the first and last rounds show it
                    boolean ticks = round == 1 || round == RESTORES;
                    Responsive r = checkRestored(c, lastTick, "round" + round, ticks);
                    times.add(r.atNanos() - start);
                    // none of the earlier guests' files: each drive copy and each RAM are its own
                    // one echo, one write: no TICK line can come between the listing and its end mark
                    type(c, "echo \"$(ls /mnt | tr '\\n' ' ')\":listed-$((1+1))");
                    Matcher listing = c.await("(?m)^([^\\n]*):listed-2\\r?$", r.cursor(), TIMEOUT);
                    assertThat(listing.group(1).trim().split(" +"))
                            .as("round %d: files on its drive", round)
                            .containsExactlyInAnyOrder("a", "lost+found", "round" + round);
                } catch (AssertionError e) {
                    // where a restored guest that stopped answering was: vCPUs, queues, serial re-raises
                    String devices = vm.describeDevices();
                    throw new AssertionError("round " + round + ": " + e.getMessage() + "; " + BootHang.where(vm)
                            + "; devices: " + devices, e);
                } finally {
                    vm.close();
                }
            }
            times.sort(null);
            System.out.printf("[snapshot] %d in-JVM restores to responsive: median %d ms, min %d ms, max %d ms%n",
                    RESTORES, times.get(times.size() / 2) / 1_000_000, times.get(0) / 1_000_000,
                    times.get(times.size() - 1) / 1_000_000);
        }
    }

    /** When the restored guest first answered, and where its console was then. */
    private record Responsive(long atNanos, int cursor) {}

    /**
     * The restored guest answers with the shell variable set before the snapshot, its counter
     * goes on from the one it was paused at (if {@code ticks}), the file written before is on its
     * drive, and a new file {@code name} is written and synced.
     */
    private static Responsive checkRestored(GuestConsole console, int lastTick, String name, boolean ticks)
            throws Exception {
        type(console, "echo var-$SNAP");
        Matcher answer = console.await("var-" + VARIABLE, 0, TIMEOUT);
        long at = System.nanoTime();
        if (ticks) {
            // the next complete TICK line: lastTick + 1, or + 2 when the pause cut a line in two
            console.await("TICK " + (lastTick + 3) + "\\r?\\n", 0, TIMEOUT);
            assertTicksGoOn(console.text(), lastTick);
        }
        type(console, "cat /mnt/a; echo " + name + " > /mnt/" + name + " && sync && echo wrote-" + name);
        Matcher wrote = console.await(line("before-snapshot") + "[\\s\\S]*?" + line("wrote-" + name), answer.end(),
                TIMEOUT);
        return new Responsive(at, wrote.end());
    }

    private static void type(GuestConsole console, String line) throws IOException {
        console.type(line);
    }
}
