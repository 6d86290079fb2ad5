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

/**
 * Inside the nested test host, writes each planned and each finished test to the file named by
 * the system property {@value #PROPERTY}, one line each, as they happen, and prints a progress
 * line per test. The runner outside reads it after the run, also after a run that the nested
 * host's death cut short, and knows which tests are still to do. Inert without the property.
 *
 * <p>Line format, tab-separated: {@code planned <uniqueId> <name>} and
 * {@code <SUCCESSFUL|FAILED|ABORTED|SKIPPED> <uniqueId> <seconds> <first line of the problem>}.
 */
public final class ProgressLog implements TestExecutionListener {
    /** System property naming the file to append to. */
    public static final String PROPERTY = "panamax.test.progress";

    private final Path file;
    private TestPlan plan;
    private int planned;
    private int done;
    private long startedAt;

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
    }

    @Override
    public void executionStarted(TestIdentifier test) {
        if (file != null && test.isTest()) {
            startedAt = System.nanoTime();
            System.out.printf("[progress] %d/%d start %s%n", done + 1, planned, name(test));
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
        double seconds = (System.nanoTime() - startedAt) / 1e9;
        String problem = result.getThrowable().map(t -> t.getClass().getSimpleName() + ": " + t.getMessage()).orElse("");
        System.out.printf("[progress] %d/%d %s %s (%.1f s)%n", done, planned, result.getStatus(), name(test), seconds);
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
