package dev.panamax.it;

import dev.panamax.junit.Guest;
import dev.panamax.junit.GuestSpec;
import dev.panamax.junit.InjectGuest;
import dev.panamax.junit.MicroVmExtension;
import dev.panamax.junit.MicroVmTest;
import dev.panamax.kvm.testing.BootsLinux;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Many VMs in one JVM: guests booted side by side, each exec'd, and test methods run in parallel
 * by JUnit, each with its own guest. How many at once: 8 (4 parallel tests) where KVM is the
 * hardware's; 3 inside the nested test host, whose kernel has died with 5 and with 9 concurrent
 * guests (a kernel stack overflow in kvm_amd's {@code __svm_vcpu_run} under QEMU's emulated SVM,
 * twice in two runs); {@code -Dpanamax.it.guests=N} overrides it.
 */
@BootsLinux
class ManyGuestsIT {
    static final int GUESTS = Integer.getInteger("panamax.it.guests", TestHost.insideNestedHost() ? 3 : 8);
    static final int PARALLEL_TESTS = Math.min(4, GUESTS);

    @Test
    void guestsBootSideBySideInOneJvmAndEachExecs() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(GUESTS);
        List<Guest> guests = new CopyOnWriteArrayList<>();
        try {
            long t0 = System.nanoTime();
            List<Future<String>> runs = new ArrayList<>();
            for (int i = 0; i < GUESTS; i++) {
                String name = "g" + i;
                runs.add(pool.submit(() -> {
                    Guest g = Guest.create(GuestSpec.testGuest().withMemMib(96).withBootTimeout(Duration.ofSeconds(540)), name);
                    guests.add(g);
                    g.start();
                    g.exec("sh", "-c", "echo " + name + " > /tmp/who");
                    return g.exec("cat", "/tmp/who").stdout();
                }));
            }
            for (int i = 0; i < GUESTS; i++) {
                assertThat(runs.get(i).get(600, TimeUnit.SECONDS)).as("guest g" + i).isEqualTo("g" + i + "\n");
            }
            // each VM's threads carry its name, so VMs in one JVM are told apart
            List<String> threads = Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
            for (int i = 0; i < GUESTS; i++) {
                assertThat(threads).contains("g" + i + "/vcpu-0", "g" + i + "/event-loop", "g" + i + "/vsock-io");
            }
            System.out.printf("[many-guests] %d guests booted side by side in one JVM and exec'd in %.1f s%n",
                    GUESTS, (System.nanoTime() - t0) / 1e9);
        } finally {
            guests.forEach(Guest::close);
            pool.shutdownNow();
        }
    }

    @Test
    void parallelTestsBootTheirOwnGuestsConcurrentlyAndPublishTheirConsoles() {
        long t0 = System.nanoTime();
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism",
                        String.valueOf(PARALLEL_TESTS))
                .selectors(selectClass(ParallelGuests.class)).execute();
        System.out.printf("[many-guests] four test methods, %d at a time, each with its own guest: %.1f s%n",
                PARALLEL_TESTS, (System.nanoTime() - t0) / 1e9);
        // a sub-test's own failure (e.g. the extension's "did not boot" with the vCPUs' RIPs and
        // console) says why; the statistics alone would only say how many
        List<String> failures = results.testEvents().failed().stream()
                .map(e -> e.getTestDescriptor().getDisplayName() + ": " + e.getRequiredPayload(TestExecutionResult.class)
                        .getThrowable().map(Throwable::toString).orElse("no exception"))
                .toList();
        assertThat(failures).as("the parallel tests that failed").isEmpty();
        results.testEvents().assertStatistics(s -> s.started(4).succeeded(4));
        List<String> consoles = results.testEvents().reportingEntryPublished().stream()
                .map(e -> e.getRequiredPayload(ReportEntry.class))
                .map(r -> r.getKeyValuePairs().get(MicroVmExtension.REPORT_KEY)).toList();
        assertThat(consoles).hasSize(4).doesNotHaveDuplicates()
                .allSatisfy(f -> assertThat(Path.of(f)).content().contains("PMX-AGENT-READY"));
    }

    /**
     * Run by the test kit above: four tests, each with its own guest injected into a field (and,
     * for {@link #four}, also as a parameter: the same guest). The first {@link #PARALLEL_TESTS}
     * wait until all of them have their guests, which only works if the guests boot concurrently.
     */
    @MicroVmTest
    @Execution(ExecutionMode.CONCURRENT)
    static class ParallelGuests {
        static final CountDownLatch allBooted = new CountDownLatch(PARALLEL_TESTS);

        @InjectGuest
        Guest guest;

        private void owns(String name) throws InterruptedException {
            assertThat(guest.exec("sh", "-c", "ls /tmp; echo " + name + " > /tmp/owner").stdout()).isEmpty();
            allBooted.countDown();
            assertThat(allBooted.await(300, TimeUnit.SECONDS)).as("%d guests booted at once", PARALLEL_TESTS).isTrue();
            assertThat(guest.exec("cat", "/tmp/owner").stdout()).isEqualTo(name + "\n");
        }

        @Test
        void one() throws InterruptedException {
            owns("one");
        }

        @Test
        void two() throws InterruptedException {
            owns("two");
        }

        @Test
        void three() throws InterruptedException {
            owns("three");
        }

        @Test
        void four(Guest parameter) throws InterruptedException {
            assertThat(parameter).isSameAs(guest);
            owns("four");
        }
    }
}
