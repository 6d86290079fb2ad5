package dev.panamax.kvm.testing;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Inside the nested test host, writes each planned and each finished test to the file named by
 * the system property {@value #PROPERTY}, one line each, as they happen, and prints a progress
 * line per test, and a heartbeat line every {@link #HEARTBEAT} while a test runs. The runner
 * outside reads the file after the run, also after a run that the nested host's death cut
 * short, and knows which tests are still to do; and it takes silence, no heartbeat, for a
 * nested host that froze. Inert without the property.
 *
 * <p>Line format, tab-separated: {@code planned <uniqueId> <name>} and
 * {@code <SUCCESSFUL|FAILED|ABORTED|SKIPPED> <uniqueId> <seconds> <first line of the problem>}.
 */
public final class ProgressLog implements TestExecutionListener {
    /** What each of its stdout lines starts with. */
    public static final String PREFIX = "[progress]";

    /** System property naming the file to append to. */
    public static final String PROPERTY = "panamax.test.progress";
    /** How often a running test is reported: well inside the runner's silence limit. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(20);

    private final Path file;
    private TestPlan plan;
    private int planned;
    private volatile int done;
    private volatile long startedAt;
    private volatile String running;

    public ProgressLog() {
        String path = System.getProperty(PROPERTY);
        this.file = path == null ? null : Path.of(path);
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        if (file == null) {
            return;
        }
        plan = testPlan;
        StringBuilder lines = new StringBuilder();
        for (TestIdentifier root : testPlan.getRoots()) {
            for (TestIdentifier t : testPlan.getDescendants(root)) {
                if (t.isTest()) {
                    planned++;
                    lines.append("planned\t").append(t.getUniqueId()).append('\t').append(name(t)).append('\n');
                }
            }
        }
        append(lines.toString());
        System.out.printf(PREFIX + " %d tests planned%n", planned);
        Thread.ofPlatform().name("progress-heartbeat").daemon().start(this::heartbeat);
    }

    private void heartbeat() {
        try {
            while (true) {
                Thread.sleep(HEARTBEAT);
                String test = running;
                if (test != null) {
                    System.out.printf(PREFIX + " %d/%d still running %s (%.0f s)%n", done + 1, planned, test,
                            (System.nanoTime() - startedAt) / 1e9);
                }
            }
        } catch (InterruptedException e) {
            // the JVM is ending
        }
    }

    @Override
    public void executionStarted(TestIdentifier test) {
        if (file != null && test.isTest()) {
            startedAt = System.nanoTime();
            running = name(test);
            System.out.printf(PREFIX + " %d/%d start %s%n", done + 1, planned, running);
        }
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        if (file != null && test.isTest()) {
            done++;
            append("SKIPPED\t" + test.getUniqueId() + "\t0\t" + oneLine(reason) + "\n");
        }
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (file == null || !test.isTest()) {
            return;
        }
        done++;
        running = null;
        double seconds = (System.nanoTime() - startedAt) / 1e9;
        String problem = result.getThrowable().map(t -> t.getClass().getSimpleName() + ": " + t.getMessage()).orElse("");
        System.out.printf(PREFIX + " %d/%d %s %s (%.1f s)%n", done, planned, result.getStatus(), name(test), seconds);
        append(result.getStatus() + "\t" + test.getUniqueId() + "\t" + String.format("%.1f", seconds) + "\t"
                + oneLine(problem) + "\n");
    }

    private String name(TestIdentifier test) {
        StringBuilder name = new StringBuilder(test.getDisplayName());
        for (TestIdentifier p = plan.getParent(test).orElse(null); p != null && p.getParentId().isPresent();
                p = plan.getParent(p).orElse(null)) {
            name.insert(0, p.getDisplayName() + " > ");
        }
        return oneLine(name.toString());
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\t\\r\\n]+", " ").strip();
    }

    private void append(String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
