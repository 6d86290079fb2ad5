package dev.panamax.it;

import dev.panamax.kvm.Seccomp;
import dev.panamax.kvm.testing.BootsLinux;
import dev.panamax.vmm.MicroVm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's seccomp filter on a real boot, each in a launcher process of its own: a boot
 * under the filter (with a drive, entropy, vsock and the boot timer) reaches init and its
 * process shows {@code Seccomp: 2}; device code that calls execve (the test-only
 * {@link MicroVm#EXECVE_ON_BOOT_PROPERTY} hook in the boot timer) kills the VMM with SIGSYS; and
 * {@code strace -f -c} over a whole boot without the filter ({@code --no-seccomp}) finds none of the denied calls
 * but the one execve that started the JVM (the list goes to target/seccomp-strace.txt, for the
 * README).
 */
@BootsLinux
class SeccompIT {
    private static final int KILLED_BY_SIGSYS = 128 + 31;
    /** System calls a running VMM makes thousands of times a second: not traced, and none is denied. */
    private static final String HOT = "futex,ioctl,read,write,epoll_wait,epoll_pwait,sched_yield";

    @TempDir
    Path dir;

    @Test
    void aBootUnderTheFilterReachesInitAndTheProcessIsFiltered() throws Exception {
        Launch l = launch(List.of(), List.of(), List.of());
        assertThat(l.status()).as("exit status; stderr:%n%s", l.stderr()).isZero();
        assertThat(l.stdout()).contains(GuestSession.MARKER);
        assertThat(l.seccompModes()).as("Seccomp: lines of /proc/PID/status while it ran").contains("2");
    }

    @Test
    void deviceCodeThatCallsExecveKillsTheVmmWithSigsys() throws Exception {
        Launch l = launch(List.of("-D" + MicroVm.EXECVE_ON_BOOT_PROPERTY + "=true"), List.of(), List.of());
        assertThat(l.status()).as("exit status; stdout:%n%s%nstderr:%n%s", l.stdout(), l.stderr())
                .isEqualTo(KILLED_BY_SIGSYS);
        assertThat(l.stdout()).doesNotContain(GuestSession.MARKER); // the boot timer fires before it
    }

    @Test
    void aWholeBootMakesNoneOfTheDeniedCalls() throws Exception {
        Path trace = dir.resolve("strace.txt");
        // --seccomp-bpf stops the JVM only at the traced calls; the hottest few, which stopping
        // at would slow a doubly emulated boot past its time limit, are left out of the count
        Launch l = launch(List.of(), List.of("strace", "-f", "--seccomp-bpf", "-c", "-e", "trace=!" + HOT,
                "-o", trace.toString()), List.of("--no-seccomp"));
        assertThat(l.status()).as("exit status; stderr:%n%s", l.stderr()).isZero();
        assertThat(l.stdout()).contains(GuestSession.MARKER);
        Map<String, Long> calls = new LinkedHashMap<>();
        for (String line : Files.readAllLines(trace)) {
            String[] f = line.trim().split("\\s+");
            // % time, seconds, usecs/call, calls, [errors,] syscall
            if (f.length >= 5 && f[0].matches("[0-9.]+") && !f[f.length - 1].equals("total")) {
                calls.put(f[f.length - 1], Long.parseLong(f[3]));
            }
        }
        Files.writeString(Path.of("target", "seccomp-strace.txt"), calls.size() + " system calls over a whole boot: "
                + "(not traced: " + HOT + ") " + calls.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))
                + "\n");
        System.out.println("[seccomp] " + calls.size() + " system calls over a whole boot: " + calls.keySet());
        assertThat(calls).as("strace -c table:%n%s", Files.readString(trace)).containsKeys("mmap", "openat");
        assertThat(HOT.split(",")).doesNotContainAnyElementsOf(Seccomp.DENIED.stream().map(Seccomp.Denied::name).toList());
        List<String> deniedSeen = new ArrayList<>();
        for (Seccomp.Denied d : Seccomp.DENIED) {
            if (calls.containsKey(d.name())) {
                deniedSeen.add(d.name() + " " + calls.get(d.name()));
            }
        }
        assertThat(deniedSeen).as("denied calls a whole boot made (execve 1: strace starting the JVM)")
                .containsExactly("execve 1");
    }

    private record Launch(int status, String stdout, String stderr, List<String> seccompModes) {}

    /** Runs the launcher (under {@code wrapper}, with {@code jvmOptions}) on the test guest until it exits. */
    private Launch launch(List<String> jvmOptions, List<String> wrapper, List<String> options) throws Exception {
        Path image = dir.resolve("data.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(1 << 20);
        }
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(TestHost.launcherCommand(jvmOptions));
        command.addAll(List.of(
                "--kernel", TestHost.guestArtifact("bzImage").toString(),
                "--initrd", TestHost.guestArtifact("initramfs.cpio.gz").toString(),
                "--drive", image.toString(), "--entropy", "--vsock", "3," + dir.resolve("v.sock"), "--boot-timer",
                "--append", GuestSession.QUIET + " pmx_boot_timer=1 pmx_after=reboot"));
        command.addAll(options);
        Files.deleteIfExists(dir.resolve("v.sock"));
        Path out = dir.resolve("vmm.out");
        Path err = dir.resolve("vmm.err");
        Process vmm = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        vmm.getOutputStream().close();
        List<String> modes = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(200);
        while (!vmm.waitFor(200, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
            seccompMode(vmm.pid()).ifPresent(modes::add);
        }
        boolean exited = !vmm.isAlive();
        vmm.destroyForcibly();
        assertThat(exited).as("the launcher exited within 200 s; stderr:%n%s", Files.readString(err)).isTrue();
        return new Launch(vmm.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err), modes);
    }

    private static Optional<String> seccompMode(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(s -> s.startsWith("Seccomp:")).map(s -> s.substring("Seccomp:".length()).strip()).findFirst();
        } catch (IOException e) {
            return Optional.empty(); // it exited meanwhile
        }
    }
}
