package dev.panamax.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * This JVM's threads and the host's load, for a benchmark's report on stalled guests: which
 * threads get the CPU (a VM's threads are named {@code NAME/role}), which are blocked and where.
 */
final class JvmThreads {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private JvmThreads() {
    }

    /** Each live thread's CPU time so far (ns), by name (unique enough for a report). */
    static Map<String, Long> cpuByThread() {
        Map<String, Long> cpu = new LinkedHashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long ns = MX.getThreadCpuTime(t.threadId());
            if (ns >= 0) {
                cpu.merge(t.getName(), ns, Long::sum);
            }
        }
        return cpu;
    }

    /** The {@code k} threads with the most CPU time between two {@link #cpuByThread()}, in ms. */
    static String busiest(Map<String, Long> before, Map<String, Long> after, int k) {
        return after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / 1_000_000))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(k)
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    /** The threads whose names start with {@code prefix}: state and CPU time so far (ms). */
    static String cpuOf(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix))
                .sorted(Comparator.comparing(Thread::getName))
                .map(t -> t.getName().substring(prefix.length()) + " " + t.getState() + " "
                        + MX.getThreadCpuTime(t.threadId()) / 1_000_000 + " ms")
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /** How many threads are in each state, and where the BLOCKED ones wait. */
    static String states() {
        Map<Thread, StackTraceElement[]> all = Thread.getAllStackTraces();
        Map<Thread.State, Long> counts = all.keySet().stream()
                .collect(Collectors.groupingBy(Thread::getState, () -> new EnumMap<>(Thread.State.class),
                        Collectors.counting()));
        String blocked = all.entrySet().stream().filter(e -> e.getKey().getState() == Thread.State.BLOCKED)
                .map(e -> e.getKey().getName() + " at " + (e.getValue().length > 0 ? e.getValue()[0] : "?"))
                .collect(Collectors.joining("; "));
        return counts + (blocked.isEmpty() ? "" : "; blocked: " + blocked);
    }

    /**
     * The host kernel's view of this process's threads whose names start with {@code prefix}
     * (Linux's {@code comm}, cut at 15 characters): scheduler state, user and system ticks,
     * where a sleeping one waits ({@code wchan}) and its kernel stack's top frames (root only);
     * empty where there is no /proc.
     */
    static String kernelView(String prefix) {
        Path tasks = Path.of("/proc/self/task");
        try (var dirs = Files.list(tasks)) {
            return dirs.map(d -> {
                try {
                    String comm = Files.readString(d.resolve("comm")).trim();
                    if (!comm.startsWith(prefix)) {
                        return "";
                    }
                    String stat = Files.readString(d.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    String wchan = Files.readString(d.resolve("wchan")).trim();
                    String stack = "";
                    try {
                        stack = Files.readAllLines(d.resolve("stack")).stream().limit(4)
                                .map(l -> l.replaceAll("^\\[<[0-9a-f]+>\\] ", "")).collect(Collectors.joining(" < "));
                    } catch (IOException e) {
                        // not root: no kernel stacks
                    }
                    // after the command: state, ..., utime (12th) and stime (13th), in clock ticks
                    return comm.substring(prefix.length()) + " " + f[0] + " utime " + f[11] + " stime " + f[12]
                            + " wchan " + wchan + (stack.isEmpty() ? "" : " stack " + stack);
                } catch (IOException e) {
                    return ""; // the thread ended meanwhile
                }
            }).filter(v -> !v.isEmpty()).sorted().collect(Collectors.joining("; ", "[", "]"));
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The host's interrupts of the kinds that stop a running guest, summed over its CPUs (from
     * /proc/interrupts): LOC (timer), RES (rescheduling IPIs), CAL (function-call IPIs), TLB
     * (TLB shootdowns, sent to every CPU where a process's threads run when it changes its
     * mappings); empty where there is no /proc.
     */
    static Map<String, Long> hostInterrupts() {
        try {
            return interruptTotals(Files.readAllLines(Path.of("/proc/interrupts")));
        } catch (IOException e) {
            return Map.of(); // no /proc: nothing to report
        }
    }

    /** The LOC, RES, CAL and TLB rows of /proc/interrupts' {@code lines}, each summed over the CPU columns. */
    static Map<String, Long> interruptTotals(List<String> lines) {
        Map<String, Long> totals = new LinkedHashMap<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 1 && INTERRUPT_KINDS.contains(f[0])) {
                long sum = 0;
                for (int i = 1; i < f.length && f[i].matches("[0-9]+"); i++) {
                    sum += Long.parseLong(f[i]);
                }
                totals.put(f[0].substring(0, f[0].length() - 1), sum);
            }
        }
        return totals;
    }

    private static final Set<String> INTERRUPT_KINDS = Set.of("LOC:", "RES:", "CAL:", "TLB:");

    /** How many of each of {@link #hostInterrupts()} since {@code before}, e.g. {@code {LOC=1200, RES=30}}. */
    static String interruptsSince(Map<String, Long> before) {
        Map<String, Long> delta = new LinkedHashMap<>();
        hostInterrupts().forEach((k, v) -> delta.put(k, v - before.getOrDefault(k, 0L)));
        return delta.isEmpty() ? "" : delta.toString();
    }

    /** The host's load average and available memory, from /proc; empty where there is no /proc. */
    static String hostLoad() {
        try {
            String load = Files.readString(Path.of("/proc/loadavg")).trim();
            String mem = Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(l -> l.startsWith("MemAvailable") || l.startsWith("MemTotal"))
                    .map(l -> l.replaceAll("\\s+", " ")).collect(Collectors.joining(", "));
            return "loadavg " + load + ", " + mem;
        } catch (IOException e) {
            return "";
        }
    }
}
