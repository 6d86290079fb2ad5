package dev.panamax.kvm;

import dev.panamax.kvm.testing.RequiresKvm;
import dev.panamax.kvm.sys.SyscallException;
import dev.panamax.kvm.sys.kvm_h;
import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The handles against this host's real /dev/kvm. */
@RequiresKvm
class KvmHandlesTest {
    @Test
    void systemHandleAnswersVersionCapabilitiesAndCpuid() {
        try (Kvm kvm = Kvm.open()) {
            assertThat(kvm.apiVersion()).isEqualTo(12);
            assertThat(kvm.checkExtension(kvm_h.KVM_CAP_USER_MEMORY)).isPositive();
            assertThat(kvm.vcpuMmapSize()).isGreaterThanOrEqualTo(4096);
            assertThat(kvm.supportedCpuid()).isNotEmpty()
                    .anySatisfy(e -> assertThat(e.function()).isZero()) // vendor leaf
                    .allSatisfy(e -> assertThat(e.function() >>> 31 == 0 || e.function() >= 0x8000_0000).isTrue());
        }
    }

    @Test
    void failuresNameTheCallAndErrno() {
        assertThatThrownBy(() -> Kvm.open("/dev/no-such-kvm"))
                .isInstanceOf(SyscallException.class)
                .hasMessage("open(/dev/no-such-kvm) failed: ENOENT (No such file or directory)");
        try (Kvm kvm = Kvm.open(); VmFd vm = kvm.createVm(); VcpuFd vcpu = vm.createVcpu(0)) {
            assertThat(vcpu.id()).isZero();
            assertThatThrownBy(() -> vm.createVcpu(0))
                    .isInstanceOf(SyscallException.class)
                    .hasMessageStartingWith("ioctl(KVM_CREATE_VCPU) failed: EEXIST");
        }
    }

    @Test
    void ioeventfdIsRegisteredAndDeassigned() {
        try (Kvm kvm = Kvm.open(); VmFd vm = kvm.createVm(); EventFd doorbell = EventFd.create()) {
            vm.registerIoeventfd(doorbell, 0xd000_0050L, 4, false, OptionalLong.of(0));
            assertThatThrownBy(() -> vm.registerIoeventfd(doorbell, 0xd000_0050L, 4, false, OptionalLong.of(0)))
                    .hasMessageStartingWith("ioctl(KVM_IOEVENTFD) failed: EEXIST");
            vm.unregisterIoeventfd(doorbell, 0xd000_0050L, 4, false, OptionalLong.of(0));
            assertThat(doorbell.drain()).isZero();
            doorbell.signal();
            doorbell.signal();
            assertThat(doorbell.drain()).isEqualTo(2);
        }
    }
}
