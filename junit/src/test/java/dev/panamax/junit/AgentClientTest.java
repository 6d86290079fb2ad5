package dev.panamax.junit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The Java client against the real agent (scripts/guest/pmx-agent.c, compiled here with the
 * host's gcc) listening on a Unix socket: the protocol end to end, without a VM. The vsock
 * handshake in front of it is covered by the real-guest tests (launcher's JUnitExtensionIT).
 */
class AgentClientTest {
    @TempDir
    static Path tmp;
    private static Process agent;
    private static ScheduledExecutorService timers;
    private static AgentClient client;

    @BeforeAll
    static void startAgent() throws Exception {
        Path source = repoFile("scripts/guest/pmx-agent.c");
        Path binary = tmp.resolve("pmx-agent");
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-O2", "-Wall", "-Werror", "-o", binary.toString(), source.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeThat(e).as("gcc is needed to build the agent for this test").isNull();
            return;
        }
        String gccOutput = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gcc.waitFor()).as("gcc: %s", gccOutput).isZero();
        Path socket = tmp.resolve("agent.sock");
        agent = new ProcessBuilder(binary.toString(), socket.toString()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("PMX-AGENT-READY path=" + socket);
        timers = Executors.newSingleThreadScheduledExecutor();
        client = new AgentClient(socket, OptionalInt.empty(), timers);
    }

    @AfterAll
    static void stopAgent() {
        if (agent != null) {
            agent.destroyForcibly();
        }
        if (timers != null) {
            timers.shutdownNow();
        }
    }

    private static Path repoFile(String name) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve(name))) {
                return d.resolve(name);
            }
        }
        throw new IllegalStateException(name + " not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void stdoutStderrAndExitCodeComeBackApart() {
        ExecResult r = client.exec(ExecRequest.of("sh", "-c", "echo out; echo err >&2; exit 3"));
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("err\n");
        assertThat(client.exec(ExecRequest.of("true")).succeeded()).isTrue();
    }

    @Test
    void environmentWorkingDirectoryAndStdinReachTheCommand() {
        ExecResult r = client.exec(ExecRequest.of("sh", "-c", "echo \"$GREETING\"; pwd; cat")
                .withEnv("GREETING", "hello there").withCwd("/tmp").withStdin("from stdin".getBytes()));
        assertThat(r.stdout()).isEqualTo("hello there\n/tmp\nfrom stdin");
    }

    @Test
    void aMissingProgramExits127WithTheReasonOnStderr() {
        ExecResult r = client.exec(ExecRequest.of("/no/such/program"));
        assertThat(r.exitCode()).isEqualTo(127);
        assertThat(r.stderr()).contains("exec /no/such/program: No such file or directory");
    }

    @Test
    void aSignalledCommandReports128PlusTheSignal() {
        assertThat(client.exec(ExecRequest.of("sh", "-c", "kill -9 $$")).exitCode()).isEqualTo(128 + 9);
    }

    @Test
    void aCommandPastItsTimeoutIsGivenUpOnAndKilled() throws Exception {
        Path pidFile = tmp.resolve("sleeper.pid");
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> client.exec(ExecRequest.of("sh", "-c", "echo started; echo $$ > " + pidFile
                        + "; exec sleep 60").withTimeout(Duration.ofMillis(700))))
                .isInstanceOf(GuestTimeoutException.class).hasMessageContaining("did not finish within PT0.7S")
                .satisfies(e -> assertThat(new String(((GuestTimeoutException) e).partialStdout())).isEqualTo("started\n"));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .as("the agent killed the command when the host hung up").isFalse();
    }

    @Test
    void aMegabyteGoesInAndComesBackIntact() throws Exception {
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        Path guestPath = tmp.resolve("copied.bin");
        client.putFile(guestPath.toString(), 0640, data, Duration.ofSeconds(30));
        assertThat(Files.getPosixFilePermissions(guestPath)).hasToString("[OWNER_READ, OWNER_WRITE, GROUP_READ]");
        ExecResult sum = client.exec(ExecRequest.of("sha256sum", guestPath.toString()));
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        assertThat(sum.stdout()).startsWith(expected);
        assertThat(client.getFile(guestPath.toString(), Duration.ofSeconds(30))).isEqualTo(data);
    }

    @Test
    void fileErrorsComeBackAsTheAgentsMessage() {
        assertThatThrownBy(() -> client.getFile("/no/such/file", Duration.ofSeconds(10)))
                .isInstanceOf(GuestException.class).hasMessage("copy from /no/such/file failed in the guest: "
                        + "/no/such/file: No such file or directory");
        assertThatThrownBy(() -> client.getFile("/", Duration.ofSeconds(10)))
                .isInstanceOf(GuestException.class).hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> client.putFile("/no/such/dir/f", 0644, new byte[1], Duration.ofSeconds(10)))
                .isInstanceOf(GuestException.class).hasMessageContaining("No such file or directory");
    }

    @Test
    void eightExecsRunAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            long t0 = System.nanoTime();
            List<Future<ExecResult>> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String n = Integer.toString(i);
                runs.add(pool.submit(() -> client.exec(ExecRequest.of("sh", "-c", "sleep 1; echo " + n))));
            }
            for (int i = 0; i < 8; i++) {
                assertThat(runs.get(i).get(30, TimeUnit.SECONDS).stdout()).isEqualTo(i + "\n");
            }
            // sequential would take 8 s
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void largeOutputIsStreamedWhole() {
        ExecResult r = client.exec(ExecRequest.of("sh", "-c", "head -c 3000000 /dev/zero; head -c 1000 /dev/zero >&2"));
        assertThat(r.stdoutBytes()).hasSize(3_000_000);
        assertThat(r.stderrBytes()).hasSize(1000);
    }
}
