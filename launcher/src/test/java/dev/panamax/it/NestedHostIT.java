package dev.panamax.it;

import dev.panamax.kvm.KvmHost;
import dev.panamax.kvm.testing.HostRouting;
import dev.panamax.kvm.testing.ProgressLog;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs, inside the nested test host (scripts/nested-host.sh: QEMU-TCG with nested SVM), every
 * test of every module that this host's KVM cannot run ({@link HostRouting} leaves them out
 * here), and reports each of them as a test of its own.
 *
 * <p>Everything in there is emulated twice over, and the nested host itself has hung (a vCPU
 * stuck inside its KVM) and its JVM has crashed, so the run is watched from out here: a nested
 * host that prints nothing for {@link NestedRun#SILENCE}, whose kernel reports a lockup, or whose
 * JVM dies, is ended at once, and the tests it had not finished go on in a fresh nested host.
 * A test that fails gets one more run in a fresh nested host and is reported as FLAKY when that
 * passes; failing twice fails. Worst case for the whole phase: {@link #PHASE_LIMIT}.
 */
@Tag(HostRouting.NESTED_RUNNER)
class NestedHostIT {
    /** Nested host runs for the first pass: the first, plus one for each of two hangs or crashes. */
    private static final int MAX_HOST_RUNS = 3;
    /** Failed tests get one more try each in a fresh nested host, when there are at most this many. */
    private static final int MAX_RETRIED = 4;
    /** The hard bound on the whole nested phase (a normal one takes about 5 minutes). */
    private static final Duration PHASE_LIMIT = Duration.ofMinutes(25);

    @TestFactory
    Stream<DynamicTest> testsThisHostCannotRunPassInsideTheNestedHost() throws Exception {
        KvmHost host = KvmHost.probe();
        List<String> tags = HostRouting.deferredTags(host);
        System.out.println("[nested] " + host.describe() + "; running the tests tagged " + tags
                + " inside the nested test host");
        Instant deadline = Instant.now().plus(PHASE_LIMIT);
        Map<String, String> planned = new LinkedHashMap<>();
        Map<String, List<NestedRun.Outcome>> outcomes = new LinkedHashMap<>();
        List<String> endings = new ArrayList<>();

        // first pass: everything deferred, going on in a fresh nested host after a hang or crash
        List<String> select = NestedRun.byTags(tags, System.getProperty("nested.it"));
        for (int n = 1; n <= MAX_HOST_RUNS && Instant.now().isBefore(deadline); n++) {
            NestedRun run = NestedRun.start("run" + n, select, deadline);
            if (planned.isEmpty()) {
                planned.putAll(run.planned());
            }
            record(run, outcomes, endings);
            List<String> unfinished = planned.keySet().stream().filter(id -> !outcomes.containsKey(id)).toList();
            if (!run.endedAbnormally() || (!planned.isEmpty() && unfinished.isEmpty())) {
                break;
            }
            if (!planned.isEmpty()) {
                System.out.println("[nested] " + unfinished.size() + " tests not finished; going on in a fresh nested host");
                select = NestedRun.byIds(unfinished);
            }
        }
        // retry pass: each failed test once more in a fresh nested host
        List<String> failed = outcomes.entrySet().stream().filter(e -> !e.getValue().getLast().passed())
                .map(Map.Entry::getKey).toList();
        if (!failed.isEmpty() && failed.size() <= MAX_RETRIED && Instant.now().isBefore(deadline)) {
            record(NestedRun.start("retry", NestedRun.byIds(failed), deadline), outcomes, endings);
        }

        List<DynamicTest> tests = new ArrayList<>();
        int passed = 0;
        int flaky = 0;
        for (Map.Entry<String, String> test : planned.entrySet()) {
            List<NestedRun.Outcome> tries = outcomes.getOrDefault(test.getKey(), List.of());
            boolean isFlaky = tries.size() > 1 && tries.getLast().passed();
            if (isFlaky) {
                flaky++;
                System.out.println("[nested] FLAKY: " + test.getValue() + " failed once and passed when run again; "
                        + "first failure: " + tries.getFirst().problem());
            } else if (!tries.isEmpty() && tries.getLast().passed()) {
                passed++;
            }
            String name = test.getValue() + (isFlaky ? " [nested] FLAKY (failed once, passed on its rerun)" : " [nested]");
            tests.add(DynamicTest.dynamicTest(name, () -> {
                assertThat(tries).as("%s never finished inside the nested host; nested host runs ended: %s",
                        test.getValue(), endings).isNotEmpty();
                NestedRun.Outcome last = tries.getLast();
                assertThat(last.status()).as("%s inside the nested host: %s", test.getValue(), last.problem())
                        .isEqualTo("SUCCESSFUL");
            }));
        }
        System.out.printf("[nested] summary: %d passed, %d flaky, %d failed or not run%n", passed, flaky,
                planned.size() - passed - flaky);
        tests.add(DynamicTest.dynamicTest("the nested host planned the deferred tests", () ->
                assertThat(planned).as("tests planned inside the nested host; its runs ended: %s", endings)
                        .isNotEmpty()));
        return tests.stream();
    }

    private static void record(NestedRun run, Map<String, List<NestedRun.Outcome>> outcomes, List<String> endings) {
        run.finished().forEach((id, outcome) -> outcomes.computeIfAbsent(id, k -> new ArrayList<>()).add(outcome));
        endings.add(run.label() + ": " + run.ending());
    }

    /** Where the runs keep their reports, progress logs and the nested kernel's console. */
    static Path reportsDir() throws IOException {
        Path dir = TestHost.repo().resolve("build/nested-it-reports");
        Files.createDirectories(dir);
        return dir;
    }

    /** The property that names the progress file, for {@link NestedRun}. */
    static String progressProperty() {
        return ProgressLog.PROPERTY;
    }
}
