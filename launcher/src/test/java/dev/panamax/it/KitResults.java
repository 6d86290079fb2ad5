package dev.panamax.it;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on a JUnit test kit run that name the cause when it went wrong, not only the counts. */
final class KitResults {
    private KitResults() {
    }

    /** Every test and container of the run succeeded and {@code tests} tests ran; else the failures' causes. */
    static void assertAllSucceeded(EngineExecutionResults results, int tests) {
        List<String> failures = results.allEvents().finished().stream()
                .flatMap(e -> e.getPayload(TestExecutionResult.class)
                        .filter(r -> r.getStatus() != TestExecutionResult.Status.SUCCESSFUL)
                        .map(r -> e.getTestDescriptor().getDisplayName() + ": "
                                + r.getThrowable().map(Throwable::toString).orElse(r.getStatus().name()))
                        .stream())
                .toList();
        assertThat(failures).as("what failed in the test kit's run").isEmpty();
        results.testEvents().assertStatistics(s -> s.started(tests).succeeded(tests));
    }
}
