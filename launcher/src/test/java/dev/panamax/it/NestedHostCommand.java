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
 * @param reports where each run keeps its folder (reports, progress log, the nested kernel's console)
 * @param name    what the runs' lines in the log start with, in brackets
 */
record NestedHostCommand(Path script, Duration silence, Path reports, String name) {
    /**
     * A nested host that prints nothing for this long is stuck: the inner tests print a line as
     * each starts and ends, and a single test is limited to {@link NestedRun#TEST_TIMEOUT} inside.
     */
    static final Duration SILENCE = Duration.ofMinutes(5);

    /** The real nested test host, reports under build/nested-it-reports. */
    static NestedHostCommand standard() throws IOException {
        Path reports = TestHost.repo().resolve("build/nested-it-reports");
        Files.createDirectories(reports);
        return new NestedHostCommand(TestHost.repo().resolve("scripts/nested-host.sh"), SILENCE, reports, "nested");
    }

    String logPrefix() {
        return "[" + name + "] ";
    }
}
