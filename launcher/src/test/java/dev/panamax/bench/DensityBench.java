package dev.panamax.bench;

import dev.panamax.kvm.testing.ApicKeyPin;
import dev.panamax.vmm.Console;
import dev.panamax.vmm.MicroVm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Density and launch rate for scripts/bench/density.sh (not a test): N guests of 64 MiB booted
 * side by side to init's marker and kept running until all got there, in this one JVM, then the
 * same N as QEMU microvm processes; N doubles from 2 up to MAX. Starts are staggered by STAGGER_MS
 * (booting many at once has killed the nested host's kernel, see ManyGuestsIT), every wait is
 * bounded, and the ramp ends at the first N where a VMM did not get every guest to init in time
 * (that N is reported with how many made it and why the others did not). Rate: guests at init per
 * second of wall time from the first start to the last marker. One line per step, then:
 * {@code density: panamax P guests at once, qemu Q; launch rate at N ...}.
 *
 * <p>Usage: {@code DensityBench GUEST_DIR MAX STAGGER_MS TIMEOUT_S QEMU|none}.
 */
public final class DensityBench {
    /** The guest idles in init after its marker until the step stops it. */
    private static final String ARGS = "console=ttyS0 quiet panic=-1 pmx_cmd=\"sleep 3600\" pmx_after=reboot";
    private static final long MEM_MIB = 64;
    /** How long a stalled guest's vCPUs may take to stop for the report (one stuck in the host kernel never does). */
    private static final Duration STOP_PATIENCE = Duration.ofSeconds(60);
    /** Kernel messages that say which clock source and tick device a guest chose. */
    private static final Pattern TIMER_MESSAGE =
            Pattern.compile("(?i)apic|tsc|clocksource|clockevent|timer|pit\\b|calibrat");
    /** Between the two samples of a stalled guest. */
    private static final Duration SAMPLE_GAP = Duration.ofSeconds(10);

    private DensityBench() {
    }

    /**
     * What a step's VMM processes hold with every guest at init: their resident and proportional
     * sets summed, the part that is guest RAM the guests touched (private, so in both sums whole),
     * and their threads (one JVM, or n QEMU processes). The VMM's own is the PSS part: RSS summed
     * over n processes would count their shared binary and libraries n times.
     */
    record Footprint(long rssKib, long pssKib, long guestKib, int threads) {
        /** The VMMs' own memory, guest RAM left out (issue 12's footprint), per guest. */
        double ownMibPerGuest(int n) {
            return (pssKib - guestKib) / 1024.0 / n;
        }

        String describe(int n) {
            return String.format("RSS %.1f MiB, PSS %.1f MiB, of which guest RAM %.1f MiB; the VMM's own (PSS) %.1f MiB"
                    + " (%.1f MiB per guest; by RSS %.1f), %d threads", rssKib / 1024.0, pssKib / 1024.0, guestKib / 1024.0,
                    (pssKib - guestKib) / 1024.0, ownMibPerGuest(n), (rssKib - guestKib) / 1024.0 / n, threads);
        }
    }

    /** One step of one VMM: how many of n reached init, in how long, and the first failure. */
    record Step(int n, int reached, double seconds, String failure, String hostInterrupts, Optional<Footprint> footprint) {
        boolean complete() {
            return reached == n;
        }

        double rate() {
            return reached / seconds;
        }

        String describe() {
            return String.format("%d/%d at init in %.1f s (%.2f guests/s)%s%s%s", reached, n, seconds, rate(),
                    footprint.map(f -> "; " + f.describe(n)).orElse(""),
                    hostInterrupts.isEmpty() ? "" : "; host interrupts " + hostInterrupts,
                    failure.isEmpty() ? "" : "; " + failure);
        }
    }

    /** A started guest: a MicroVm or a QEMU process. */
    private interface Running {
        /** Stops the guest and waits until its VMM let go of it. */
        void stop() throws Exception;

        /**
         * How a guest that missed its marker is doing, without stopping it: a line to compare with
         * another taken a little later (its clock, exits and threads' CPU time); empty if unknown.
         */
        String sample() throws Exception;

        /** The guest kernel's messages about its clocks and timers (which tick it chose); empty if unknown. */
        default String timerMessages() {
            return "";
        }

        /** Where a guest that missed its marker stands (its vCPUs' RIP, its last kernel messages), stopping it; empty if unknown. */
        String stall() throws Exception;

        /** The process that runs the guest (this JVM for Panamax's). */
        long pid();

        /** Where the guest's RAM is mapped in {@link #pid()}. */
        List<ProcessMemory.Range> guestRam();
    }

    @FunctionalInterface
    private interface Starter {
        Running start(int index, ConsoleMarker console) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        if (args.length != 5) {
            System.err.println("usage: DensityBench GUEST_DIR MAX STAGGER_MS TIMEOUT_S QEMU|none");
            System.exit(2);
        }
        BenchGuest guest = new BenchGuest(Path.of(args[0]), MEM_MIB, ARGS);
        int max = Integer.parseInt(args[1]);
        Duration stagger = Duration.ofMillis(Long.parseLong(args[2]));
        Duration timeout = Duration.ofSeconds(Long.parseLong(args[3]));
        String qemu = args[4].equals("none") ? null : args[4];

        Optional<GuestKernel> kernel = System.getProperty("density.guestMap", "").isEmpty() ? Optional.empty()
                : Optional.of(GuestKernel.load(Path.of(System.getProperty("density.guestMap"))));
        Starter panamax = (i, console) -> {
            String name = "d" + i;
            MicroVm vm = MicroVm.start(guest.panamax(name), Console.outputOnly(console));
            return new Running() {
                @Override
                public void stop() throws InterruptedException {
                    vm.close();
                }

                @Override
                public String sample() throws InterruptedException {
                    String exits = vm.metrics().stream().filter(g -> g.aggregate().equals("vcpu"))
                            .map(g -> g.counters().toString()).collect(Collectors.joining(" "));
                    String clock = kernel.map(k -> "jiffies " + k.readU64(vm.memory(), "jiffies_64")
                            + ", system_state " + k.readU32(vm.memory(), "system_state") + ", ").orElse("");
                    String state = vm.state() + vm.awaitStop(Duration.ZERO).map(r -> " (" + r.describe() + ")").orElse("");
                    return state + ", " + clock + "exits " + exits + ", uart " + vm.metrics().stream()
                            .filter(g -> g.aggregate().equals("uart")).map(g -> g.counters().toString()).findFirst()
                            .orElse("") + ", threads " + JvmThreads.cpuOf(name + "/") + ", in the host kernel "
                            + JvmThreads.kernelView(name + "/");
                }

                @Override
                public String timerMessages() {
                    return kernel.map(k -> k.printkTail(vm.memory(), 1000).stream().filter(m -> TIMER_MESSAGE.matcher(m).find())
                            .collect(Collectors.joining(" | "))).orElse("");
                }

                @Override
                public long pid() {
                    return ProcessHandle.current().pid();
                }

                @Override
                public List<ProcessMemory.Range> guestRam() {
                    return vm.memory().regions().stream().map(r -> new ProcessMemory.Range(r.hostAddress(), r.size())).toList();
                }

                @Override
                public String stall() throws InterruptedException {
                    List<String> log = kernel.map(k -> k.printkTail(vm.memory(), 12)).orElse(List.of());
                    return vm.stopAndSnapshot().stream().map(v -> v.describe()
                            + kernel.map(k -> " (" + k.name(v.rip()) + ")").orElse(""))
                            .collect(Collectors.joining("; "))
                            + "; serial interrupts raised again: " + vm.serialInterruptsReraised()
                            + (log.isEmpty() ? "" : "; last kernel messages: " + String.join(" | ", log));
                }
            };
        };
        Starter qemuProcess = (i, console) -> {
            Process p = guest.qemu(qemu, console);
            return new Running() {
                @Override
                public void stop() throws InterruptedException {
                    p.destroy();
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly().waitFor();
                    }
                }

                @Override
                public String sample() {
                    return "";
                }

                @Override
                public String stall() {
                    return "";
                }

                @Override
                public long pid() {
                    return p.pid();
                }

                @Override
                public List<ProcessMemory.Range> guestRam() {
                    return ProcessMemory.anonymousMappingsOf(p.pid(), MEM_MIB << 20);
                }
            };
        };
        // one guest first: the JVM's classes loaded and compiled as in an embedder's second boot
        // In the nested host: every VM start would flip L1 KVM's apic_sw_disabled static key
        // while the other guests run, which has frozen and crashed L1 (see ApicKeyPin)
        Optional<ApicKeyPin.Held> pin = ApicKeyPin.holdIfEnabled();
        pin.ifPresent(p -> System.out.println("pinned L1 KVM's apic_sw_disabled key with an idle vCPU"));
        // -Ddensity.panamax=false: QEMU alone, to tell the nested host's limits from Panamax's
        boolean withPanamax = Boolean.parseBoolean(System.getProperty("density.panamax", "true"));
        Step warm = withPanamax ? step(panamax, 1, stagger, timeout) : new Step(1, 0, 1, "not run", "", Optional.empty());
        System.out.println("warm-up: panamax " + warm.describe());
        SortedMap<Integer, Step> doneP = new TreeMap<>();
        SortedMap<Integer, Step> doneQ = new TreeMap<>();
        boolean pGoes = warm.complete();
        boolean qGoes = qemu != null;
        int from = Integer.getInteger("density.from", 2);
        for (int n = Math.min(from, max); (pGoes || qGoes) && n <= max; n = n == max ? max + 1 : Math.min(2 * n, max)) {
            if (pGoes) {
                Step p = step(panamax, n, stagger, timeout);
                System.out.println("n=" + n + ": panamax " + p.describe());
                pGoes = p.complete();
                if (pGoes) {
                    doneP.put(n, p);
                }
            }
            if (qGoes) {
                Step q = step(qemuProcess, n, stagger, timeout);
                System.out.println("n=" + n + ": qemu " + q.describe());
                qGoes = q.complete();
                if (qGoes) {
                    doneQ.put(n, q);
                }
            }
        }
        System.out.printf("density (%d MiB guests, starts %d ms apart, ramp up to %d): panamax %d at once in one JVM (%s),"
                + " qemu %s%n", MEM_MIB, stagger.toMillis(), max, doneP.isEmpty() ? 0 : doneP.lastKey(),
                pGoes ? "the ramp's end" : "the next step failed", qemu == null ? "not run"
                        : (doneQ.isEmpty() ? 0 : doneQ.lastKey()) + " processes (" + (qGoes ? "the ramp's end" : "the next step failed") + ")");
        doneP.keySet().retainAll(doneQ.keySet());
        if (!doneP.isEmpty()) {
            Step p = doneP.get(doneP.lastKey());
            Step q = doneQ.get(doneP.lastKey());
            System.out.printf("launch rate (n=%d, both complete): panamax %.2f guests/s, qemu %.2f guests/s, ratio panamax/qemu %.2f%n",
                    p.n(), p.rate(), q.rate(), p.rate() / q.rate());
            if (p.footprint().isPresent() && q.footprint().isPresent()) {
                double pm = p.footprint().get().ownMibPerGuest(p.n());
                double qm = q.footprint().get().ownMibPerGuest(q.n());
                System.out.printf("footprint per guest (n=%d, VMM PSS minus touched guest RAM, over n): panamax %.1f MiB,"
                        + " qemu %.1f MiB, ratio panamax/qemu %.2f%n", p.n(), pm, qm, pm / qm);
            }
        }
        pin.ifPresent(ApicKeyPin.Held::close);
        System.exit(0); // a guest whose vCPU thread never stopped must not keep the JVM alive
    }

    /** Starts n guests STAGGER apart, waits (bounded) for every marker, then stops them all. */
    private static Step step(Starter starter, int n, Duration stagger, Duration timeout) throws Exception {
        List<Running> running = new ArrayList<>();
        List<ConsoleMarker> consoles = new ArrayList<>();
        String failure = "";
        Map<String, Long> interruptsBefore = JvmThreads.hostInterrupts();
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        int reached = 0;
        long last = t0;
        String interrupts = "";
        Optional<Footprint> footprint = Optional.empty();
        try {
            for (int i = 0; i < n; i++) {
                ConsoleMarker console = new ConsoleMarker();
                consoles.add(console);
                try {
                    running.add(starter.start(i, console));
                } catch (Exception | OutOfMemoryError e) {
                    failure = "guest " + i + " did not start: " + e;
                    break;
                }
                if (i + 1 < n) {
                    Thread.sleep(stagger);
                }
            }
            List<Integer> stalled = new ArrayList<>();
            for (int i = 0; i < running.size(); i++) {
                long left = deadline - System.nanoTime();
                try {
                    last = Math.max(last, consoles.get(i).marker().get(Math.max(0, left), TimeUnit.NANOSECONDS));
                    reached++;
                } catch (TimeoutException e) {
                    stalled.add(i);
                }
            }
            interrupts = JvmThreads.interruptsSince(interruptsBefore);
            if (stalled.isEmpty()) {
                footprint = Optional.of(footprint(running));
            }
            String timers = running.isEmpty() ? "" : running.get(0).timerMessages();
            if (!timers.isEmpty()) {
                System.out.println("n=" + n + ": guest 0's kernel on its timers: " + timers);
            }
            if (!stalled.isEmpty()) {
                failure = reportStalls(n, running, consoles, stalled, timeout);
            }
        } finally {
            for (Running r : running) {
                String stuck = bounded(() -> {
                    r.stop();
                    return "";
                }, STOP_PATIENCE);
                if (!stuck.isEmpty()) {
                    System.out.println("n=" + n + ": a guest " + stuck);
                }
            }
        }
        double seconds = reached == n ? (last - t0) / 1e9 : timeout.toSeconds();
        return new Step(n, reached, seconds, failure, interrupts, footprint);
    }

    /** The running guests' VMM processes: their resident sets and threads, and the guests' touched RAM in them. */
    private static Footprint footprint(List<Running> running) {
        long guestKib = 0;
        for (Running r : running) {
            for (ProcessMemory.Range ram : r.guestRam()) {
                guestKib += ProcessMemory.residentKib(r.pid(), ram);
            }
        }
        long rssKib = 0;
        long pssKib = 0;
        int threads = 0;
        for (long pid : running.stream().mapToLong(Running::pid).distinct().toArray()) {
            ProcessMemory.Status s = ProcessMemory.status(pid);
            rssKib += s.rssKib();
            pssKib += s.pssKib();
            threads += s.threads();
        }
        return new Footprint(rssKib, pssKib, guestKib, threads);
    }

    /**
     * Says on stdout how each guest that missed its marker is doing: a sample, another
     * {@link #SAMPLE_GAP} later (does its clock tick, does it exit, do its threads get CPU), the
     * JVM's busiest threads meanwhile and the host's load, then where its vCPUs stopped. Returns
     * the step's failure: the first stalled guest's.
     */
    private static String reportStalls(int n, List<Running> running, List<ConsoleMarker> consoles, List<Integer> stalled,
            Duration timeout) throws Exception {
        System.out.println("n=" + n + ": " + stalled.size() + " guest(s) without a marker after " + timeout.toSeconds()
                + " s: " + stalled + "; host " + JvmThreads.hostLoad());
        List<String> before = new ArrayList<>();
        for (int i : stalled) {
            before.add(running.get(i).sample());
        }
        Map<String, Long> cpuBefore = JvmThreads.cpuByThread();
        Thread.sleep(SAMPLE_GAP);
        System.out.println("  busiest JVM threads over " + SAMPLE_GAP.toSeconds() + " s (CPU ms): "
                + JvmThreads.busiest(cpuBefore, JvmThreads.cpuByThread(), 12));
        System.out.println("  thread states: " + JvmThreads.states());
        String failure = "";
        for (int k = 0; k < stalled.size(); k++) {
            int i = stalled.get(k);
            System.out.println("  guest " + i + " then: " + before.get(k));
            System.out.println("  guest " + i + " now:  " + running.get(i).sample());
            String stall = bounded(running.get(i)::stall, STOP_PATIENCE);
            System.out.println("  guest " + i + " stopped: " + stall + "; last output \"" + consoles.get(i).lastOutput() + "\"");
            if (failure.isEmpty()) {
                failure = "guest " + i + ": no marker within " + timeout.toSeconds() + " s, last output: \""
                        + consoles.get(i).lastOutput() + "\"" + (stall.isEmpty() ? "" : ", " + stall);
            }
        }
        return failure;
    }

    /** {@code what}'s answer, or a line saying it did not come within {@code patience} (it goes on in the background). */
    private static String bounded(Callable<String> what, Duration patience) throws Exception {
        FutureTask<String> task = new FutureTask<>(what);
        Thread.ofPlatform().daemon().name("stall-report").start(task);
        try {
            return task.get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return "did not stop within " + patience.toSeconds() + " s (a vCPU thread stuck in the host kernel?)";
        }
    }
}
