package dev.panamax.vcpu;

import dev.panamax.kvm.sys.kvm_h;

/** Where a stopped vCPU was: its instruction pointer and KVM multiprocessing state. */
public record VcpuSnapshot(int id, long rip, int mpState) {
    /** e.g. {@code vCPU 1 at 0xffffffff81a0c5e1, halted}. */
    public String describe() {
        String state = switch (mpState) {
            case kvm_h.KVM_MP_STATE_RUNNABLE -> "runnable";
            case kvm_h.KVM_MP_STATE_UNINITIALIZED -> "never started (waiting for INIT/SIPI)";
            case kvm_h.KVM_MP_STATE_INIT_RECEIVED -> "INIT received";
            case kvm_h.KVM_MP_STATE_HALTED -> "halted";
            case kvm_h.KVM_MP_STATE_SIPI_RECEIVED -> "SIPI received";
            default -> "mp state " + mpState;
        };
        return "vCPU " + id + " at 0x" + Long.toHexString(rip) + ", " + state;
    }
}
