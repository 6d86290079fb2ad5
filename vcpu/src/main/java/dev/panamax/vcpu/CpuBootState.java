package dev.panamax.vcpu;

import java.util.Objects;

/**
 * The register state the boot vCPU starts in: long mode for the Linux 64-bit boot protocol,
 * flat 32-bit protected mode for PVH. {@code rsi} and {@code rbx} carry the boot-info address
 * (boot_params and hvm_start_info respectively).
 */
public record CpuBootState(long rip, long rsp, long rsi, long rbx, long cr0, long cr3, long cr4, long efer,
                           Segment code, Segment data, Segment taskRegister, long gdtBase, int gdtLimit,
                           long idtBase, int idtLimit) {
    public CpuBootState {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(taskRegister, "taskRegister");
    }
}
