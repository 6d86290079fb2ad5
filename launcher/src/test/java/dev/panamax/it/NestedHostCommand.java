package dev.panamax.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a {@link NestedRun} starts its nested host and when it gives up on one.
 *
 * @param script  what runs a command inside a fresh nested host (scripts/nested-host.sh; a fake in tests)
 * @param silence how long the run may print nothing before it is ended as stuck
 * @param testTimeout the inner per-test timeout; a test still running a little after it (its
 *                thread may be inside KVM_RUN, where JUnit cannot interrupt it) ends the run
 * @param reports where each run keeps its folder (reports, progress log, the nested kernel's console)
 * @param name    what the runs' lines in the log start with, in brackets
 */
record NestedHostCommand(Path script, Duration silence, Duration testTimeout, Path reports, String name) {
    /**
     * A nested host that prints nothing for this long has frozen: the inner run prints a line as
     * each test starts and ends and a heartbeat every 20 s while one runs (ProgressLog), so only a
     * frozen nested kernel or JVM is this quiet. A test that hangs with the JVM alive is ended by
     * its own timeout inside ({@link #TEST_TIMEOUT}).
     */
    static final Duration SILENCE = Duration.ofSeconds(90);
    /**
     * The inner per-test limit: a boot, and one more after a boot hang, fit well inside it. A long
     * run of one test (scripts/durability.sh) raises it with {@code -Dnested.test.timeout=SECONDS}.
     */
    static final Duration TEST_TIMEOUT = Duration.ofSeconds(Long.getLong("nested.test.timeout", 240));

    /** The real nested test host, reports under build/nested-it-reports. */
    static NestedHostCommand standard() throws IOException {
        Path reports = TestHost.repo().resolve("build/nested-it-reports");
        Files.createDirectories(reports);
        return new NestedHostCommand(TestHost.repo().resolve("scripts/nested-host.sh"), SILENCE, TEST_TIMEOUT, reports,
                "nested");
    }

    /** How long one test may run before its nested host is ended: its timeout, and as long again up to a minute. */
    Duration testLimit() {
        return testTimeout.plus(testTimeout.compareTo(Duration.ofMinutes(1)) < 0 ? testTimeout : Duration.ofMinutes(1));
    }

    String logPrefix() {
        return "[" + name + "] ";
    }
}
