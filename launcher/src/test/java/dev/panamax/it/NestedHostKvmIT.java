package dev.panamax.it;

import dev.panamax.kvm.testing.BootsLinux;
import dev.panamax.kvm.Kvm;
import dev.panamax.kvm.KvmHost;
import dev.panamax.kvm.sys.kvm_h;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The host the Linux-boot tests run on has hardware-assisted KVM (inside the nested test host:
 * SVM), and the reference scenario, QEMU's microvm booting the same tiny guest, reaches init.
 */
@BootsLinux
class NestedHostKvmIT {
    @Test
    void devKvmIsBackedByHardwareVirtualization() throws Exception {
        assertThat(KvmHost.probe().kind()).isEqualTo(KvmHost.Kind.HARDWARE);
        String cpuFlags = Files.readString(Path.of("/proc/cpuinfo"));
        if (TestHost.insideNestedHost()) {
            assertThat(Path.of("/sys/module/kvm_amd")).exists();
            assertThat(cpuFlags).containsPattern("flags\\s*:.*\\bsvm\\b");
        } else {
            assertThat(cpuFlags).containsPattern("flags\\s*:.*\\b(svm|vmx)\\b");
        }
        try (Kvm kvm = Kvm.open()) {
            assertThat(kvm.apiVersion()).isEqualTo(12);
            assertThat(kvm.checkExtension(kvm_h.KVM_CAP_IRQCHIP)).isPositive();
        }
    }

    @Test
    void referenceQemuMicrovmBootsTheTinyGuestToInit() throws Exception {
        Path script = TestHost.repo().resolve("scripts/bench/qemu-microvm-boot.sh");
        Path stdout = Files.createTempFile("qemu-microvm-boot", ".out");
        Process p = new ProcessBuilder(script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(stdout.toFile()).start();
        p.getOutputStream().close();
        boolean ended = p.waitFor(180, TimeUnit.SECONDS); // the output goes to a file, so this wait is the bound
        if (!ended) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
        }
        String out = Files.readString(stdout);
        Files.delete(stdout);
        assertThat(ended).as("qemu-microvm-boot.sh ended within 180 s; stdout: %s", out).isTrue();
        assertThat(p.exitValue()).as("qemu-microvm-boot.sh exit code; stdout: %s", out).isZero();
        assertThat(out.strip()).matches("qemu-microvm boot-to-init: \\d+\\.\\d{3} s");
        System.out.println(out.strip());
    }
}
