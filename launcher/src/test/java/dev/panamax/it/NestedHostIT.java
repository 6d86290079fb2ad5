package dev.panamax.it;

import dev.panamax.kvm.KvmHost;
import dev.panamax.kvm.testing.HostRouting;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.time.Duration;
import java.util.ArrayList;
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
 * host that prints nothing for {@link NestedHostCommand#SILENCE}, whose kernel reports a lockup, or whose
 * JVM dies, is ended at once, and the tests it had not finished go on in a fresh nested host.
 * A test that fails gets one more run in a fresh nested host and is reported as FLAKY when that
 * passes; failing twice fails. Worst case for the whole phase: {@link #PHASE_LIMIT}.
 */
@Tag(HostRouting.NESTED_RUNNER)
class NestedHostIT {
    /**
     * The hard bound on the whole nested phase (a normal one takes 10 to 15 minutes; a run with
     * crashed nested hosts and a retry has ended at 25 minutes, in its retry, so 35 leaves CI's
     * 90 room for the guest kernel build); a long run of one test (scripts/durability.sh) raises
     * it with {@code -Dnested.phase.limit=SECONDS}.
     */
    private static final Duration PHASE_LIMIT = Duration.ofSeconds(Long.getLong("nested.phase.limit", 35 * 60));

    @TestFactory
    Stream<DynamicTest> testsThisHostCannotRunPassInsideTheNestedHost() throws Exception {
        KvmHost host = KvmHost.probe();
        List<String> tags = HostRouting.deferredTags(host);
        System.out.println("[nested] " + host.describe() + "; running the tests tagged " + tags
                + " inside the nested test host");
        NestedPhase phase = NestedPhase.run(NestedHostCommand.standard(),
                NestedRun.byTags(tags, System.getProperty("nested.it")), PHASE_LIMIT);
        Map<String, String> planned = phase.planned();
        List<String> endings = phase.endings();

        List<DynamicTest> tests = new ArrayList<>();
        int passed = 0;
        int flaky = 0;
        for (Map.Entry<String, String> test : planned.entrySet()) {
            List<NestedRun.Outcome> tries = phase.outcomes().getOrDefault(test.getKey(), List.of());
            boolean isFlaky = phase.flaky(test.getKey());
            if (isFlaky) {
                flaky++;
                System.out.println("[nested] FLAKY: " + test.getValue() + " failed once and passed when run again; "
                        + "first failure: " + tries.getFirst().problem());
            } else if (phase.passed(test.getKey())) {
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
}
