package dev.panamax.it;

import dev.panamax.junit.ExecRequest;
import dev.panamax.junit.ExecResult;
import dev.panamax.junit.Guest;
import dev.panamax.junit.GuestSpec;
import dev.panamax.junit.GuestTimeoutException;
import dev.panamax.junit.MicroVmTest;
import dev.panamax.kvm.testing.BootsLinux;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
 * guest's agent, file copies, concurrency on one guest, and the extension's
 * own behaviour (boot failures, Testcontainers, a config file) run through JUnit's test kit;
 * many guests at once are {@link ManyGuestsIT}.
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
    void aFirecrackerConfigFileDeclaresAGuest(@TempDir Path tmp) throws Exception {
        GuestSpec testGuest = GuestSpec.testGuest();
        Path disk = tmp.resolve("ro.img");
        Files.write(disk, ("config-file-drive" + " ".repeat(512 - 17)).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Path json = tmp.resolve("vm.json");
        Files.writeString(json, """
                {"boot-source": {"kernel_image_path": "%s", "initrd_path": "%s",
                                 "boot_args": "console=ttyS0 reboot=k panic=1 answer=42"},
                 "machine-config": {"vcpu_count": 2, "mem_size_mib": 160},
                 "drives": [{"drive_id": "ro", "path_on_host": "%s", "is_root_device": false, "is_read_only": true}],
                 "entropy": {}}
                """.formatted(testGuest.kernel(), testGuest.initrd().orElseThrow(), disk));
        GuestSpec spec = GuestSpec.fromConfig(dev.panamax.config.ConfigFile.read(json), json.toString());
        try (Guest g = Guest.create(spec, "from-config")) {
            g.start();
            assertThat(g.exec("nproc").stdout()).isEqualTo("2\n");
            assertThat(g.exec("cat", "/proc/cmdline").stdout()).contains("answer=42").contains("pmx_agent=");
            assertThat(g.exec("head", "-c", "17", "/dev/vda").stdout()).isEqualTo("config-file-drive");
            assertThat(g.exec("cat", "/sys/class/misc/hw_random/rng_current").stdout()).startsWith("virtio_rng");
        }
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
        KitResults.assertAllSucceeded(results, 1);
        assertThat(AsContainer.guest.vm()).as("stopped and closed after the class").isEmpty();
        assertThat(AsContainer.lines).contains("PANAMAX-INIT-OK");
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
