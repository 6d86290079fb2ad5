package dev.panamax.it;

import dev.panamax.kvm.testing.ApicKeyPin;
import dev.panamax.kvm.testing.ProgressLog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One run of the JUnit console launcher inside a fresh nested test host, watched from outside:
 * ended when it prints nothing for {@link NestedHostCommand#silence()} or passes the phase's deadline. What it
 * planned and finished comes from the progress log the inner run writes as it goes
 * ({@code dev.panamax.kvm.testing.ProgressLog}), so a run cut short still says what it did.
 *
 * @param label    the run's name, also its folder under build/nested-it-reports
 * @param planned  unique id to display name, for every test the run planned
 * @param finished unique id to outcome, for every test it finished
 * @param exitCode the nested-host script's status (the inner JUnit's, or 123 lockup, 124 timeout, 125 L1 died)
 * @param ending   how the run ended, in words
 */
record NestedRun(String label, Map<String, String> planned, Map<String, Outcome> finished, int exitCode,
                 boolean endedAbnormally, String ending) {
    private static final Pattern TEST_START = Pattern.compile("\\[progress] \\d+/\\d+ start ");
    private static final Pattern TEST_END = Pattern.compile("\\[progress] \\d+/\\d+ (SUCCESSFUL|FAILED|ABORTED) ");
    private static final int TAIL_LINES = 30;
    /** Before the inner launcher's first line, silence may last this many times {@link NestedHostCommand#silence()}. */
    private static final int STARTUP_SILENCE_FACTOR = 3;

    /** A test's result: JUnit's status name and the first line of its problem (empty when it passed). */
    record Outcome(String status, String problem) {
        boolean passed() {
            return status.equals("SUCCESSFUL");
        }
    }

    /** The console launcher's selection of every test tagged with one of {@code tags}, or of some classes (comma-separated). */
    static List<String> byTags(List<String> tags, String onlyClasses) {
        List<String> select = new ArrayList<>(onlyClasses == null ? List.of("--select-package", "dev.panamax")
                : List.of());
        if (onlyClasses != null) {
            for (String c : onlyClasses.split(",")) {
                select.addAll(List.of("--select-class", "dev.panamax.it." + c.strip()));
            }
        }
        tags.forEach(t -> select.addAll(List.of("--include-tag", t)));
        return select;
    }

    /** The console launcher's selection of exactly these tests. */
    static List<String> byIds(List<String> uniqueIds) {
        List<String> select = new ArrayList<>();
        uniqueIds.forEach(id -> select.addAll(List.of("--select", "uid:" + id)));
        return select;
    }

    /**
     * This JVM's {@code panamax.*} system properties (Maven's {@code -D} reaches the failsafe JVM
     * as such), so that a test's knob such as {@code -Dpanamax.durability.rounds=20} also reaches
     * the tests in the nested host. They come before the runner's own, which win.
     */
    static List<String> forwardedProperties() {
        return System.getProperties().stringPropertyNames().stream().filter(n -> n.startsWith("panamax."))
                .sorted().map(n -> "-D" + n + "=" + System.getProperty(n)).toList();
    }

    /** Boots a nested host, runs the selected tests in it, and returns once it is gone. */
    static NestedRun start(NestedHostCommand host, String label, List<String> select, Instant deadline)
            throws Exception {
        Path module = Path.of("").toAbsolutePath();
        Path reports = host.reports().resolve(label);
        deleteRecursively(reports);
        Files.createDirectories(reports);
        Path progress = reports.resolve("progress.tsv");
        String classpath = classpath();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // QEMU-TCG's young AVX and SHA emulation: UseAVX=0 ended one JIT crash there, -UseSHA was
        // tried for one in C1-compiled SHA2.implCompress. The crashes left (two in one run) faulted
        // on the jmp HotSpot patches over a C1 method's entry when it makes the method not
        // entrant: another vCPU ran the half-patched bytes (cross-modifying code under MTTCG).
        // C1 only (TieredStopAtLevel=1) compiles each method once, so entries are rarely patched;
        // the phase still goes on in a fresh host after a crash
        List<String> command = new ArrayList<>(List.of(host.script().toString(), java,
                "-XX:UseAVX=0", "-XX:-UseSHA", "-XX:TieredStopAtLevel=1",
                "-XX:ErrorFile=" + reports.resolve("hs_err_pid%p.log"),
                "-D" + ProgressLog.PROPERTY + "=" + progress, "-D" + ApicKeyPin.PROPERTY + "=true",
                "-Dpanamax.log.level=warning", // as the launcher's own tests run (see its pom)
                "--enable-native-access=ALL-UNNAMED", "-cp", classpath));
        command.addAll(2, forwardedProperties()); // after the script and java
        command.addAll(List.of("org.junit.platform.console.ConsoleLauncher", "execute"));
        command.addAll(select);
        command.addAll(List.of("--include-classname", ".*", "--exclude-classname", ".*NestedHostIT",
                "--config=junit.jupiter.execution.timeout.testable.method.default=" + host.testTimeout().toSeconds() + " s",
                "--reports-dir", reports.toString(), "--details", "summary", "--disable-banner"));

        Duration limit = Duration.between(Instant.now(), deadline);
        ProcessBuilder builder = new ProcessBuilder(command).directory(module.toFile()).redirectErrorStream(true);
        builder.environment().put("NESTED_TIMEOUT", Long.toString(Math.max(60, limit.toSeconds())));
        builder.environment().put("NESTED_CONSOLE_LOG", reports.resolve("l1-console.log").toString());
        builder.environment().put("NESTED_VERBOSE", "1"); // "L1 up after N s": a line before the JVM's first
        System.out.println(host.logPrefix() + label + ": starting a nested host (" + select.size() / 2 + " selectors)");
        Process p = builder.start();
        p.getOutputStream().close();
        Deque<String> tail = new ArrayDeque<>();
        AtomicLong lastOutput = new AtomicLong(System.nanoTime());
        AtomicLong testStarted = new AtomicLong(); // when the running test started; 0 between tests
        AtomicBoolean launcherUp = new AtomicBoolean(); // the inner JUnit launcher printed its first line
        Thread reader = Thread.ofPlatform().name("nested-output-" + label).daemon()
                .start(() -> copyOutput(p, host.logPrefix(), tail, lastOutput, testStarted, launcherUp));
        String killed = null;
        while (!p.waitFor(1, TimeUnit.SECONDS)) {
            Duration silent = Duration.ofNanos(System.nanoTime() - lastOutput.get());
            long started = testStarted.get();
            // The JVM's start and test discovery run under TCG and print nothing: on a loaded host
            // that has taken over 90 s, so the silence allowed before the launcher's first line is longer.
            Duration allowed = launcherUp.get() ? host.silence() : host.silence().multipliedBy(STARTUP_SILENCE_FACTOR);
            if (silent.compareTo(allowed) > 0) {
                killed = "printed nothing for " + silent.toSeconds() + " s: ended as stuck";
            } else if (started != 0 && System.nanoTime() - started > host.testLimit().toNanos()) {
                // a test thread inside KVM_RUN cannot be interrupted by JUnit's timeout
                killed = "a test ran past its " + host.testTimeout().toSeconds() + " s timeout: ended as stuck";
            } else if (Instant.now().isAfter(deadline.plusSeconds(30))) {
                killed = "ran past the nested phase's deadline";
            }
            if (killed != null) {
                System.out.println(host.logPrefix() + label + " " + killed);
                end(p);
                break;
            }
        }
        reader.join(5_000);
        int rc = p.exitValue();
        boolean crashed = hasHsErr(reports);
        boolean abnormal = killed != null || crashed || (rc != 0 && rc != 1);
        String ending = killed != null ? killed
                : crashed ? "the JVM inside crashed (hs_err in " + reports + ")"
                : switch (rc) {
                    case 0 -> "every test passed";
                    case 1 -> "some tests failed";
                    case 123 -> "the nested kernel reported a lockup (console: " + reports.resolve("l1-console.log") + ")";
                    case 124 -> "timed out";
                    case 125 -> "the nested host failed to boot or died (console: " + reports.resolve("l1-console.log") + ")";
                    default -> "exit code " + rc;
                };
        if (abnormal) {
            System.out.println(host.logPrefix() + label + " ended abnormally: " + ending + "; its last lines:\n"
                    + String.join("\n", tail));
        }
        Map<String, String> planned = new LinkedHashMap<>();
        Map<String, Outcome> finished = new LinkedHashMap<>();
        readProgress(progress, planned, finished);
        return new NestedRun(label, planned, finished, rc, abnormal, ending);
    }

    /**
     * Ends the nested host: SIGTERM first, so that the script stops QEMU and keeps the nested
     * kernel's console log, then SIGKILL for whatever is left.
     */
    private static void end(Process p) throws InterruptedException {
        List<ProcessHandle> tree = p.toHandle().descendants().toList();
        p.destroy();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
        }
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    /** The launcher module's test classpath, with every module's KVM tests (their test jars). */
    static String classpath() throws IOException {
        return Path.of("target/test-classes").toAbsolutePath() + ":" + TestHost.launcherClasspath();
    }

    private static void copyOutput(Process p, String prefix, Deque<String> tail, AtomicLong lastOutput,
                                   AtomicLong testStarted, AtomicBoolean launcherUp) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                long now = System.nanoTime();
                lastOutput.set(now);
                if (line.startsWith(ProgressLog.PREFIX)) {
                    launcherUp.set(true);
                }
                if (TEST_START.matcher(line).lookingAt()) {
                    testStarted.set(now);
                } else if (TEST_END.matcher(line).lookingAt()) {
                    testStarted.set(0);
                }
                System.out.println(prefix + line);
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // the process was killed; what it printed so far is kept
        }
    }

    private static void readProgress(Path progress, Map<String, String> planned, Map<String, Outcome> finished)
            throws IOException {
        if (!Files.exists(progress)) {
            return;
        }
        for (String line : Files.readAllLines(progress, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t", 4);
            if (f.length < 3) {
                continue; // a line cut short by the host's death
            }
            if (f[0].equals("planned")) {
                planned.put(f[1], f[2]);
            } else if (f.length == 4) {
                finished.put(f[1], new Outcome(f[0], f[3]));
            }
        }
    }

    private static boolean hasHsErr(Path reports) throws IOException {
        try (Stream<Path> s = Files.list(reports)) {
            return s.anyMatch(f -> f.getFileName().toString().startsWith("hs_err_pid"));
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted((a, b) -> b.compareTo(a)).forEach(f -> {
                try {
                    Files.delete(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
