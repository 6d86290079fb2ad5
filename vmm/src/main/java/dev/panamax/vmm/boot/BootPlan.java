package dev.panamax.vmm.boot;

import dev.panamax.memory.GuestMemory;
import dev.panamax.vcpu.CpuBootState;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link LinuxLoader} did to guest memory and how the boot vCPU must start afterwards.
 *
 * @param cpu the boot vCPU's register state, for {@link dev.panamax.vcpu.VcpuSetup#enter} as is
 * @param kernel the guest-physical span the kernel occupies while booting (for logs and checks)
 * @param initrd where the initrd was put, if one was given
 */
public record BootPlan(BootProtocol protocol, CpuBootState cpu, GuestMemory.Range kernel,
        Optional<GuestMemory.Range> initrd) {

    public BootPlan {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(initrd, "initrd");
    }
}
