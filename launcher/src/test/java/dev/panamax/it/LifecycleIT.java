package dev.panamax.it;

import dev.panamax.kvm.testing.BootsLinux;
import dev.panamax.vcpu.StopReason;
import dev.panamax.vmm.MicroVm;
import dev.panamax.vmm.VmState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pause, resume and Ctrl+Alt+Del on the real guest kernel, through the embeddable API. */
@BootsLinux
class LifecycleIT {
    private static final int MAX_CYCLES = 1_000;
    private static final int MIN_CYCLES = 100;
    /** The cycling stops here even short of MAX_CYCLES: in the nested host each cycle is emulated twice over. */
    private static final Duration CYCLING = Duration.ofSeconds(45);
    /** How long the guest may take from Ctrl+Alt+Del to the reset: a reboot, plus slack for the nested host. */
    private static final Duration CTRL_ALT_DEL_RESET = Duration.ofSeconds(60);
    private static final Duration LONG_PAUSE = Duration.ofSeconds(3);
    private static final Pattern UPTIME = Pattern.compile("up=(\\d+\\.\\d+) ");

    @Test
    void pauseResumeCyclesKeepTheGuestCountingWithIntactConsoleLines() throws Exception {
        try (GuestSession guest = GuestSession.boot(2, 128, List.of(), false)) {
            MicroVm vm = guest.vm();
            GuestConsole console = guest.console();
            assertThat(vm.state()).isEqualTo(VmState.RUNNING);
            vm.resume(); // running: nothing to do
            int from = guest.run("i=0; while :; do i=$((i+1)); echo c=$i; sleep 0.05; done &", "(?m)^c=5\\r?\\n").end();

            ThreadLocalRandom random = ThreadLocalRandom.current();
            long start = System.nanoTime();
            long deadline = start + CYCLING.toNanos();
            long slowestPause = 0;
            long pausing = 0;
            long resuming = 0;
            int cycles = 0;
            while (cycles < MAX_CYCLES && System.nanoTime() < deadline) {
                LockSupport.parkNanos(random.nextLong(10_000_000)); // the guest runs 0 to 10 ms
                long t0 = System.nanoTime();
                vm.pause();
                long paused = System.nanoTime() - t0;
                pausing += paused;
                slowestPause = Math.max(slowestPause, paused);
                assertThat(vm.state()).isEqualTo(VmState.PAUSED);
                int printed = console.length();
                LockSupport.parkNanos(random.nextLong(2_000_000));
                vm.pause(); // paused: nothing to do
                assertThat(console.length()).as("console bytes while paused (cycle %d)", cycles).isEqualTo(printed);
                long t1 = System.nanoTime();
                vm.resume();
                resuming += System.nanoTime() - t1;
                assertThat(vm.state()).isEqualTo(VmState.RUNNING);
                cycles++;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("[lifecycle] %d pause/resume cycles in %.1f s with the guest running 0-10 ms between:"
                    + " %.1f cycles/s; pause() %.2f ms on average (slowest %.1f ms), resume() %.2f ms:"
                    + " %.0f cycles/s back to back%n", cycles, seconds, cycles / seconds, pausing / 1e6 / cycles,
                    slowestPause / 1e6, resuming / 1e6 / cycles, cycles * 1e9 / (pausing + resuming));
            assertThat(cycles).isGreaterThanOrEqualTo(MIN_CYCLES);

            int last = lastCounter(console.text(), from);
            int to = console.await("(?m)^c=" + (last + 20) + "\\r?\\n", from, GuestSession.TIMEOUT).end();
            assertConsecutiveCounterLines(console.text().substring(from, to), 6);

            guest.run("kill $!; echo kil''led", "killed");
            double before = guestUptime(guest);
            long hostStart = System.nanoTime();
            vm.pause();
            Thread.sleep(LONG_PAUSE);
            vm.resume();
            double after = guestUptime(guest);
            double host = (System.nanoTime() - hostStart) / 1e9;
            System.out.printf("[lifecycle] across a %d s pause the guest's uptime advanced %.2f s, the host's clock %.2f s%n",
                    LONG_PAUSE.toSeconds(), after - before, host);
            assertThat(after - before).as("the guest's clock skips the pause").isBetween(0.0, host - LONG_PAUSE.toSeconds() + 1);
            guest.reboot();
        }
    }

    @Test
    void ctrlAltDelRebootsTheGuestAndTheVmStopsWithAReset() throws Exception {
        try (GuestSession guest = GuestSession.boot(1, 128, List.of(), false)) {
            MicroVm vm = guest.vm();
            // the AT keyboard driver binds to the i8042's keyboard port once its probe got IRQ 1 answers
            guest.run("for i in 1 2 3 4 5 6 7 8 9 10; do [ -e /sys/bus/serio/drivers/atkbd/serio0 ] && break; sleep 1;"
                    + " done; echo atkbd-bound=$(ls /sys/bus/serio/drivers/atkbd | grep -c serio)", "atkbd-bound=1");
            long t0 = System.nanoTime();
            vm.sendCtrlAltDel();
            Optional<StopReason> reason = vm.awaitStop(CTRL_ALT_DEL_RESET);
            System.out.printf("[lifecycle] Ctrl+Alt+Del to reset: %.2f s%n", (System.nanoTime() - t0) / 1e9);
            assertThat(reason).contains(new StopReason.Reset("i8042 reset command"));
            assertThat(vm.state()).isEqualTo(VmState.STOPPED);
            assertThatThrownBy(vm::pause).isInstanceOf(IllegalStateException.class).hasMessageContaining("stopped");
            assertThatThrownBy(vm::resume).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(vm::sendCtrlAltDel).isInstanceOf(IllegalStateException.class);
        }
    }

    private static int lastCounter(String text, int from) {
        Matcher m = Pattern.compile("(?m)^c=(\\d+)\\r?\\n").matcher(text);
        int last = -1;
        while (m.find(from)) {
            last = Integer.parseInt(m.group(1));
            from = m.end();
        }
        return last;
    }

    /** Every line is {@code c=N}, N rising by exactly one from {@code first}: nothing lost, doubled or garbled. */
    private static void assertConsecutiveCounterLines(String text, int first) {
        String[] lines = text.split("\n");
        int expected = first;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (!line.equals("c=" + expected)) {
                int lo = Math.max(0, i - 3);
                int hi = Math.min(lines.length, i + 4);
                throw new AssertionError("console line " + i + " is '" + line + "', expected 'c=" + expected
                        + "'; around it:\n" + String.join("\n", List.of(lines).subList(lo, hi)));
            }
            expected++;
        }
        System.out.printf("[lifecycle] %d counter lines intact (c=%d to c=%d)%n", lines.length, first, expected - 1);
    }

    private static double guestUptime(GuestSession guest) throws Exception {
        Matcher m = guest.run("echo up=$(cut -d' ' -f1 /proc/uptime) ''", UPTIME.pattern());
        return Double.parseDouble(m.group(1));
    }
}
