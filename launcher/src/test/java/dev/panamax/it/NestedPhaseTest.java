package dev.panamax.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The nested phase's watchdog and its going on, against a fake nested host: a shell script
 * that plays one scripted behaviour per run (hang, lock up, fail, pass), writing the progress
 * log as the real inner run does. No KVM and no QEMU needed.
 */
@Timeout(120)
class NestedPhaseTest {
    private static final Duration SILENCE = Duration.ofSeconds(2);
    private static final Duration TEST_TIMEOUT = Duration.ofSeconds(2);
    @TempDir
    Path dir;

    /**
     * A fake scripts/nested-host.sh: finds the progress file in its arguments and runs the
     * body for this run ($RUN: 1, 2, ...), which may call {@code plan} and {@code finish}.
     */
    private NestedHostCommand fakeHost(String runBodies) throws IOException {
        Path script = dir.resolve("fake-nested-host.sh");
        Files.writeString(script, """
                #!/bin/bash
                for a in "$@"; do [[ $a == -Dpanamax.test.progress=* ]] && P=${a#*=}; done
                n=$(cat "%1$s/count" 2>/dev/null || echo 0); RUN=$((n + 1)); echo $RUN >"%1$s/count"
                printf '%%s\n' "$@" >"%1$s/args.$RUN"
                plan() { for t in "$@"; do printf 'planned\\t[test:%%s]\\t%%s()\\n' "$t" "$t" >>"$P"; done; }
                finish() { printf '%%s\\t[test:%%s]\\t0.1\\t%%s\\n' "$2" "$1" "${3:-}" >>"$P"; echo "[progress] $2 $1"; }
                case $RUN in
                %2$s
                esac
                """.formatted(dir, runBodies));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return new NestedHostCommand(script, SILENCE, TEST_TIMEOUT, dir.resolve("reports"), "fake nested host");
    }

    @Test
    void panamaxPropertiesOfThisJvmReachTheNestedOne() {
        System.setProperty("panamax.forward.check", "20");
        try {
            assertThat(NestedRun.forwardedProperties()).contains("-Dpanamax.forward.check=20")
                    .allMatch(p -> p.startsWith("-Dpanamax."));
        } finally {
            System.clearProperty("panamax.forward.check");
        }
    }

    @Test
    void aStuckHostIsEndedAndItsUnfinishedTestsGoOnInAFreshOneWhereAFailureIsRetried() throws Exception {
        NestedHostCommand host = fakeHost("""
                1) plan a b c; finish a SUCCESSFUL; sleep 600 ;;
                2) plan b c; finish b SUCCESSFUL; finish c FAILED "AssertionError: boom"; exit 1 ;;
                3) plan c; finish c SUCCESSFUL; exit 0 ;;
                """);
        long start = System.nanoTime();
        NestedPhase phase = NestedPhase.run(host, List.of("--select-package", "x"), Duration.ofMinutes(1));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));

        assertThat(phase.planned()).containsOnlyKeys("[test:a]", "[test:b]", "[test:c]");
        assertThat(phase.unfinished()).isEmpty();
        assertThat(phase.passed("[test:a]")).isTrue();
        assertThat(phase.passed("[test:b]")).isTrue();
        assertThat(phase.flaky("[test:b]")).isFalse();
        assertThat(phase.flaky("[test:c]")).isTrue();
        assertThat(phase.outcomes().get("[test:c]").getFirst().problem()).isEqualTo("AssertionError: boom");
        assertThat(phase.endings()).hasSize(3);
        assertThat(phase.endings().get(0)).startsWith("run1: printed nothing for ").endsWith("s: ended as stuck");
        assertThat(phase.endings().get(1)).isEqualTo("run2: some tests failed");
        assertThat(phase.endings().get(2)).isEqualTo("retry: every test passed");
        // the fresh hosts got exactly the unfinished, then the failed, tests
        assertThat(Files.readAllLines(dir.resolve("args.2"))).containsSubsequence("--select", "uid:[test:b]")
                .containsSubsequence("--select", "uid:[test:c]").doesNotContain("uid:[test:a]", "--select-package");
        assertThat(Files.readAllLines(dir.resolve("args.3"))).containsSubsequence("--select", "uid:[test:c]")
                .doesNotContain("uid:[test:a]", "uid:[test:b]");
    }

    @Test
    void theRealConsoleLauncherRunsExactlyTheTestsSelectedById() throws Exception {
        String id = "[engine:junit-jupiter]/[class:dev.panamax.launcher.MainTest]/[method:helpExitsZero()]";
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", NestedRun.classpath(),
                "org.junit.platform.console.ConsoleLauncher", "execute", "--disable-banner", "--details", "flat"));
        command.addAll(NestedRun.byIds(List.of(id)));
        command.addAll(List.of("--include-classname", ".*"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("helpExitsZero()").contains("1 tests successful");
    }

    @Test
    void aLockedUpHostIsAnAbnormalEndAndTheTestGoesOnElsewhere() throws Exception {
        NestedHostCommand host = fakeHost("""
                1) plan x; echo "nested-host: L1's kernel locked up" >&2; exit 123 ;;
                2) plan x; finish x SUCCESSFUL; exit 0 ;;
                """);
        NestedPhase phase = NestedPhase.run(host, List.of("--select-package", "x"), Duration.ofMinutes(1));
        assertThat(phase.passed("[test:x]")).isTrue();
        assertThat(phase.flaky("[test:x]")).as("it never failed: its host did").isFalse();
        assertThat(phase.endings()).containsExactly(
                "run1: the nested kernel reported a lockup (console: " + dir.resolve("reports/run1/l1-console.log") + ")",
                "run2: every test passed");
    }

    @Test
    void aTestStillRunningPastItsTimeoutEndsItsHostEvenWhileTheHeartbeatGoesOn() throws Exception {
        NestedHostCommand host = fakeHost("""
                1) plan z w; echo "[progress] 1/2 start z"; while :; do echo "[progress] 1/2 still running z"; sleep 0.5; done ;;
                2) plan w; finish w SUCCESSFUL; exit 0 ;;
                """);
        NestedPhase phase = NestedPhase.run(host, List.of("--select-package", "x"), Duration.ofMinutes(1));
        assertThat(phase.endings().getFirst()).isEqualTo("run1: a test ran past its 2 s timeout: ended as stuck");
        assertThat(phase.passed("[test:w]")).isTrue();
        assertThat(phase.unfinished()).containsExactly("[test:z]");
    }

    @Test
    void hostsThatNeverGetAsFarAsPlanningAreBoundedInNumber() throws Exception {
        NestedHostCommand host = fakeHost("""
                *) exit 125 ;;
                """);
        NestedPhase phase = NestedPhase.run(host, List.of("--select-package", "x"), Duration.ofMinutes(1));
        assertThat(phase.planned()).isEmpty();
        assertThat(phase.endings()).hasSize(NestedPhase.MAX_HOST_RUNS)
                .allSatisfy(e -> assertThat(e).contains("the nested host failed to boot or died"));
    }

    @Test
    void aTestThatFailsTwiceStaysFailed() throws Exception {
        NestedHostCommand host = fakeHost("""
                *) plan y; finish y FAILED "AssertionError: again"; exit 1 ;;
                """);
        NestedPhase phase = NestedPhase.run(host, List.of("--select-package", "x"), Duration.ofMinutes(1));
        assertThat(phase.passed("[test:y]")).isFalse();
        assertThat(phase.flaky("[test:y]")).isFalse();
        assertThat(phase.outcomes().get("[test:y]")).hasSize(2);
        assertThat(phase.endings()).containsExactly("run1: some tests failed", "retry: some tests failed");
    }
}
