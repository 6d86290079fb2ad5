package dev.panamax.bench;

import dev.panamax.kvm.KvmHost;
import dev.panamax.kvm.testing.ApicKeyPin;
import dev.panamax.vmm.Console;
import dev.panamax.vmm.MicroVm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The embedded boot of scripts/bench/warm-boot.sh (not a test): in one JVM that has already
 * booted and closed one VM, each round times {@code MicroVm.start} to the first guest entry (the
 * host trace's first {@code kvm_entry}, {@link HostTrace}) and to init's marker, and the same for
 * a QEMU microvm process (process start to first entry, to marker), alternating. Also the time
 * {@code MicroVm.start} takes to build the VM up to its vCPUs' start (its {@code beforeGuestRuns}
 * hook), which needs no trace. Prints one line per round and medians with ratios.
 *
 * <p>Usage: {@code WarmBootBench GUEST_DIR ROUNDS QEMU|none [TIMEOUT_S]}.
 */
public final class WarmBootBench {
    private static final String ARGS = "console=ttyS0 quiet panic=-1 pmx_after=reboot";

    private WarmBootBench() {
    }

    /** One boot's figures in seconds; NaN where not measured. */
    record Boot(double built, double entry, double init) {
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: WarmBootBench GUEST_DIR ROUNDS QEMU|none [TIMEOUT_S]");
            System.exit(2);
        }
        BenchGuest guest = new BenchGuest(Path.of(args[0]), 128, ARGS);
        int rounds = Integer.parseInt(args[1]);
        String qemu = args[2].equals("none") ? null : args[2];
        Duration timeout = Duration.ofSeconds(args.length > 3 ? Long.parseLong(args[3]) : 180);
        // in the nested host (bench_java sets the property): VM starts must not flip L1 KVM's
        // apic_sw_disabled key while the other VMM's guest runs, nor cost the toggle in the timings
        Optional<ApicKeyPin.Held> pin = ApicKeyPin.holdIfEnabled();
        Optional<HostTrace> trace = HostTrace.open();
        if (trace.isEmpty()) {
            System.err.println("warm-boot: no writable tracefs with kvm events: first-entry times not measured");
        }
        try {
            Boot warm = panamax(guest, trace, timeout, "warm-up");
            System.out.printf("warm-up (first boot in this JVM): built %.3f s, entry %s s, init %.3f s%n",
                    warm.built(), seconds(warm.entry()), warm.init());
            if (qemu != null) {
                qemu(guest, qemu, trace, timeout); // the page cache warm for QEMU too
            }
            List<Boot> p = new ArrayList<>();
            List<Boot> q = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                p.add(panamax(guest, trace, timeout, "round-" + round));
                String line = String.format("round %d: panamax built %.3f s, entry %s s, init %.3f s", round,
                        p.getLast().built(), seconds(p.getLast().entry()), p.getLast().init());
                if (qemu != null) {
                    q.add(qemu(guest, qemu, trace, timeout));
                    line += String.format("; qemu entry %s s, init %.3f s", seconds(q.getLast().entry()), q.getLast().init());
                }
                System.out.println(line);
            }
            double pb = median(p, Boot::built);
            double pe = median(p, Boot::entry);
            double pi = median(p, Boot::init);
            System.out.printf("warm-boot (median of %d): MicroVm.start -> vCPUs start %.1f ms; -> first guest entry %s ms;"
                    + " -> init marker %.3f s%n", rounds, pb * 1e3, millis(pe), pi);
            if (qemu != null) {
                double qe = median(q, Boot::entry);
                double qi = median(q, Boot::init);
                String entries = trace.isEmpty() ? "" : String.format("start -> first entry %s ms vs %s ms (ratio %.2f); ",
                        millis(pe), millis(qe), pe / qe);
                String guestPart = trace.isEmpty() ? "" : String.format("; first entry -> init %.3f s vs %.3f s (ratio %.2f)",
                        pi - pe, qi - qe, (pi - pe) / (qi - qe));
                System.out.printf("warm-boot vs qemu-microvm process: %sstart -> init %.3f s vs %.3f s (ratio %.2f)%s%n",
                        entries, pi, qi, pi / qi, guestPart);
            }
        } finally {
            trace.ifPresent(HostTrace::close);
            pin.ifPresent(ApicKeyPin.Held::close);
        }
    }

    private static Boot panamax(BenchGuest guest, Optional<HostTrace> trace, Duration timeout, String name)
            throws Exception {
        ConsoleMarker console = new ConsoleMarker();
        long[] built = new long[1];
        trace.ifPresent(HostTrace::arm);
        long t0 = System.nanoTime();
        MicroVm vm = MicroVm.start(guest.panamax(name), Console.outputOnly(console), KvmHost.configuredDevice(),
                () -> built[0] = System.nanoTime());
        try {
            long marker = awaitMarker(console, timeout, "panamax " + name);
            // the guest reboots after its marker, which ends the VM
            if (vm.awaitStop(timeout).isEmpty()) {
                throw new TimeoutException("panamax " + name + ": the guest did not reboot after its marker");
            }
            return new Boot((built[0] - t0) / 1e9, entry(trace), (marker - t0) / 1e9);
        } finally {
            vm.close();
        }
    }

    private static Boot qemu(BenchGuest guest, String qemu, Optional<HostTrace> trace, Duration timeout) throws Exception {
        ConsoleMarker console = new ConsoleMarker();
        trace.ifPresent(HostTrace::arm);
        long t0 = System.nanoTime();
        Process p = guest.qemu(qemu, console);
        try {
            long marker = awaitMarker(console, timeout, "qemu");
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                throw new TimeoutException("qemu: the guest did not reboot after its marker");
            }
            return new Boot(Double.NaN, entry(trace), (marker - t0) / 1e9);
        } finally {
            p.destroyForcibly();
        }
    }

    static long awaitMarker(ConsoleMarker console, Duration timeout, String who) throws Exception {
        try {
            return console.marker().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new TimeoutException(who + ": no " + ConsoleMarker.MARKER + " within " + timeout.toSeconds()
                    + " s; last output: " + console.lastOutput());
        }
    }

    private static double entry(Optional<HostTrace> trace) {
        return trace.map(HostTrace::firstEntrySeconds).orElse(OptionalDouble.empty()).orElse(Double.NaN);
    }

    /** Seconds with three decimals, or n/a where the trace gave no figure. */
    private static String seconds(double s) {
        return Double.isNaN(s) ? "n/a" : String.format("%.3f", s);
    }

    private static String millis(double s) {
        return Double.isNaN(s) ? "n/a" : String.format("%.1f", s * 1e3);
    }

    private static double median(List<Boot> boots, java.util.function.ToDoubleFunction<Boot> figure) {
        double[] v = boots.stream().mapToDouble(figure).sorted().toArray();
        return v[(v.length - 1) / 2];
    }
}
