package dev.panamax.it;

import dev.panamax.junit.ExecRequest;
import dev.panamax.junit.ExecResult;
import dev.panamax.junit.Guest;
import dev.panamax.junit.GuestSpec;
import dev.panamax.junit.GuestTimeoutException;
import dev.panamax.junit.MicroVmExtension;
import dev.panamax.junit.MicroVmTest;
import dev.panamax.kvm.testing.BootsLinux;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The JUnit 5 extension (module junit) against the real test guest: exec over vsock to the
 * guest's agent, file copies, concurrency on one guest and across guests, and the extension's
 * own behaviour (parallel tests, boot failures, Testcontainers) run through JUnit's test kit.
 * The tests of this class share one guest ({@code PER_CLASS}), which {@link #mark} proves.
 */
@BootsLinux
@MicroVmTest(lifecycle = MicroVmTest.Lifecycle.PER_CLASS, cpus = 2)
class JUnitExtensionIT {
    @BeforeAll
    static void mark(Guest guest) {
        assertThat(guest.exec("sh", "-c", "echo shared > /tmp/mark").exitCode()).isZero();
    }

    @Test
    void execReportsExitCodesStdoutAndStderrApart(Guest guest) {
        assertThat(guest.exec("cat", "/tmp/mark").stdout()).as("the class's one guest").isEqualTo("shared\n");
        ExecResult uname = guest.exec("uname", "-r");
        assertThat(uname.exitCode()).isZero();
        assertThat(uname.stdout()).matches("6\\.1\\.\\d+.*\n");
        assertThat(uname.stderr()).isEmpty();

        ExecResult mixed = guest.exec("sh", "-c", "echo to-out; echo to-err >&2; exit 42");
        assertThat(mixed).isEqualTo(new ExecResult(42, "to-out\n".getBytes(), "to-err\n".getBytes()));
        assertThat(guest.exec("/bin/nonexistent").exitCode()).isEqualTo(127);

        ExecResult env = guest.exec(ExecRequest.of("sh", "-c", "echo $PMX_TEST:$(pwd)").withEnv("PMX_TEST", "x y")
                .withCwd("/proc"));
        assertThat(env.stdout()).isEqualTo("x y:/proc\n");
        System.out.println("[junit-ext] guest kernel " + uname.stdout().strip());
    }

    @Test
    void aCommandPastItsTimeoutIsKilledInTheGuest(Guest guest) {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> guest.exec(ExecRequest.of("sh", "-c", "echo $$ > /tmp/sleeper; exec sleep 600")
                .withTimeout(Duration.ofSeconds(2)))).isInstanceOf(GuestTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
        String pid = guest.exec("cat", "/tmp/sleeper").stdout().strip();
        // the agent kills it once it sees the host hang up; give the guest a moment
        ExecResult gone = guest.exec("sh", "-c", "for i in $(seq 50); do [ -e /proc/" + pid
                + " ] || exit 0; sleep 0.1; done; exit 1");
        assertThat(gone.exitCode()).as("sleep (pid %s) was killed", pid).isZero();
    }

    @Test
    void aMegabyteCopiedInAndOutKeepsItsSha256(Guest guest, @TempDir Path tmp) throws Exception {
        byte[] data = new byte[1 << 20];
        new Random(11).nextBytes(data);
        Path in = tmp.resolve("in.bin");
        Files.write(in, data);
        long t0 = System.nanoTime();
        guest.copyTo(in, "/tmp/data.bin");
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        assertThat(guest.exec("sha256sum", "/tmp/data.bin").stdout()).startsWith(expected + " ");
        Path out = tmp.resolve("out.bin");
        guest.copyFrom("/tmp/data.bin", out);
        System.out.printf("[junit-ext] 1 MiB copied in, hashed and copied out in %.2f s%n", (System.nanoTime() - t0) / 1e9);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(out))))
                .isEqualTo(expected);
    }

    @Test
    void eightExecsRunConcurrentlyOnOneGuest(Guest guest) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            long t0 = System.nanoTime();
            List<Future<ExecResult>> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String n = Integer.toString(i);
                runs.add(pool.submit(() -> guest.exec("sh", "-c", "sleep 3; echo " + n)));
            }
            for (int i = 0; i < 8; i++) {
                assertThat(runs.get(i).get(120, TimeUnit.SECONDS).stdout()).isEqualTo(i + "\n");
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("[junit-ext] 8 concurrent 3 s execs took %.1f s%n", seconds);
            assertThat(seconds).as("one after the other would take 24 s").isLessThan(20);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theConsoleIsKeptAndWatchable(Guest guest) {
        assertThat(guest.awaitConsole(Pattern.compile("PMX-AGENT-READY port=(\\d+)"), Duration.ofSeconds(1)).group(1))
                .isEqualTo(Integer.toString(GuestSpec.DEFAULT_AGENT_PORT));
        assertThat(guest.consoleLines()).contains("PANAMAX-INIT-OK");
    }

    @Test
    void twoGuestsBootSideBySideInOneJvm() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Guest> guests = new CopyOnWriteArrayList<>();
        try {
            long t0 = System.nanoTime();
            List<Future<String>> runs = new ArrayList<>();
            for (String name : List.of("left", "right")) {
                runs.add(pool.submit(() -> {
                    Guest g = Guest.create(GuestSpec.testGuest(), name);
                    guests.add(g);
                    g.start();
                    g.exec("sh", "-c", "echo " + name + " > /tmp/who");
                    return g.exec("cat", "/tmp/who").stdout();
                }));
            }
            assertThat(runs.get(0).get(240, TimeUnit.SECONDS)).isEqualTo("left\n");
            assertThat(runs.get(1).get(240, TimeUnit.SECONDS)).isEqualTo("right\n");
            // each VM's threads carry its name, so two VMs in one JVM are told apart
            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                    .contains("left/vcpu-0", "left/event-loop", "left/vsock-io",
                            "right/vcpu-0", "right/event-loop", "right/vsock-io");
            System.out.printf("[junit-ext] two guests booted in parallel and exec'd in %.1f s%n",
                    (System.nanoTime() - t0) / 1e9);
        } finally {
            guests.forEach(Guest::close);
            pool.shutdownNow();
        }
    }

    @Test
    void parallelTestsBootTheirOwnGuestsAndPublishTheirConsoles() {
        long t0 = System.nanoTime();
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .selectors(selectClass(ParallelGuests.class)).execute();
        System.out.printf("[junit-ext] two concurrent test methods, each with its own guest: %.1f s%n",
                (System.nanoTime() - t0) / 1e9);
        results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        List<String> consoles = results.testEvents().reportingEntryPublished().stream()
                .map(e -> e.getRequiredPayload(org.junit.platform.engine.reporting.ReportEntry.class))
                .map(r -> r.getKeyValuePairs().get(MicroVmExtension.REPORT_KEY)).toList();
        assertThat(consoles).hasSize(2).allSatisfy(f -> assertThat(Path.of(f)).content().contains("PMX-AGENT-READY"));
    }

    @Test
    void aGuestThatDoesNotBootFailsItsTestWithTheConsoleTail() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(InitExits.class)).execute();
        results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        Event failed = results.testEvents().failed().list().getFirst();
        Throwable why = failed.getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class)
                .getThrowable().orElseThrow();
        System.out.println("[junit-ext] a boot that fails: " + why.getMessage().lines().findFirst().orElse(""));
        assertThat(why).hasMessageContaining("stopped before its agent was ready")
                .hasMessageContaining("vCPU 0 at").hasMessageContaining("Attempted to kill init");
    }

    @Test
    void testcontainersStartsAndStopsAGuestInAContainerField() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(AsContainer.class)).execute();
        results.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(AsContainer.guest.vm()).as("stopped and closed after the class").isEmpty();
        assertThat(AsContainer.lines).contains("PANAMAX-INIT-OK");
    }

    /** Run by the test kit above: two tests at once, each with its own guest. */
    @MicroVmTest
    @Execution(ExecutionMode.CONCURRENT)
    static class ParallelGuests {
        @Test
        void one(Guest guest) {
            assertThat(guest.exec("sh", "-c", "ls /tmp; echo one > /tmp/owner").stdout()).isEmpty();
        }

        @Test
        void two(Guest guest) {
            assertThat(guest.exec("sh", "-c", "ls /tmp; echo two > /tmp/owner").stdout()).isEmpty();
        }
    }

    /** Run by the test kit above: init exits at once, so the kernel panics before the agent starts. */
    @MicroVmTest(kernelArgs = "rdinit=/bin/true", bootTimeoutSeconds = 120)
    static class InitExits {
        @Test
        void neverRuns(Guest guest) {
            throw new AssertionError("the guest booted: " + guest);
        }
    }

    /** Run by the test kit above: Testcontainers manages the guest. */
    @Testcontainers
    static class AsContainer {
        static final List<String> lines = new CopyOnWriteArrayList<>();
        @Container
        static final Guest guest = Guest.create(GuestSpec.testGuest(), "container").withLogConsumer(lines::add);

        @Test
        void execs() {
            assertThat(guest.exec("echo", "hi").stdout()).isEqualTo("hi\n");
        }
    }
}
