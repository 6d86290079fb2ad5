package dev.panamax.vcpu;

import dev.panamax.kvm.CpuidEntry;
import dev.panamax.kvm.VcpuFd;
import dev.panamax.kvm.sys.kvm_debugregs;
import dev.panamax.kvm.sys.kvm_lapic_state;
import dev.panamax.kvm.sys.kvm_regs;
import dev.panamax.kvm.sys.kvm_sregs;
import dev.panamax.kvm.sys.kvm_vcpu_events;
import dev.panamax.kvm.sys.kvm_xcrs;
import dev.panamax.kvm.sys.kvm_xsave;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Everything KVM holds for one vCPU that a snapshot must carry, as KVM's own structs (bytes in
 * the host's layout, which AbiTest pins): what CPUID returns, the TSC frequency, the
 * multiprocessing state, general and special registers, FPU/SSE/AVX state (XSAVE), the XCRs,
 * debug registers, the local APIC, the MSRs KVM saves and pending events.
 *
 * <p>The byte arrays are owned by the record: callers must not change them.
 *
 * @param tscKhz   the guest's TSC frequency; 0 when the host cannot tell (no KVM_CAP_GET_TSC_KHZ)
 * @param msrs     MSR index to value, in KVM's index-list order but for IA32_TSC_DEADLINE, which
 *                 goes last (restored in that order; see {@link #deadlineAfterTsc})
 */
public record VcpuState(int id, List<CpuidEntry> cpuid, int tscKhz, int mpState, byte[] regs, byte[] sregs,
        byte[] xsave, byte[] xcrs, byte[] debugregs, byte[] lapic, Map<Integer, Long> msrs, byte[] vcpuEvents) {
    public VcpuState {
        cpuid = List.copyOf(cpuid);
        msrs = Collections.unmodifiableMap(deadlineAfterTsc(msrs)); // Map.copyOf would lose the order
        requireSize("regs", regs, kvm_regs.LAYOUT.byteSize());
        requireSize("sregs", sregs, kvm_sregs.LAYOUT.byteSize());
        if (xsave.length < kvm_xsave.LAYOUT.byteSize() || xsave.length % 4 != 0) {
            throw new IllegalArgumentException("vCPU " + id + ": xsave state of " + xsave.length
                    + " bytes (at least " + kvm_xsave.LAYOUT.byteSize() + ", a multiple of 4)");
        }
        requireSize("xcrs", xcrs, kvm_xcrs.LAYOUT.byteSize());
        requireSize("debugregs", debugregs, kvm_debugregs.LAYOUT.byteSize());
        requireSize("lapic", lapic, kvm_lapic_state.LAYOUT.byteSize());
        requireSize("vcpu_events", vcpuEvents, kvm_vcpu_events.LAYOUT.byteSize());
    }

    private void requireSize(String what, byte[] bytes, long size) {
        Objects.requireNonNull(bytes, what);
        if (bytes.length != size) {
            throw new IllegalArgumentException("vCPU " + id + ": " + what + " of " + bytes.length + " bytes, expected "
                    + size);
        }
    }

    /** IA32_TSC_DEADLINE: the LAPIC timer's deadline in TSC-deadline mode; 0 when none is armed. */
    static final int IA32_TSC_DEADLINE = 0x6e0;

    /**
     * The MSRs in their order, IA32_TSC_DEADLINE moved last. KVM arms the restored deadline's
     * timer against the guest's TSC as it is when the deadline is written, so the TSC must be
     * back first; KVM's index list puts the deadline (an emulated MSR) after IA32_TSC, this keeps
     * it so whatever the list (Firecracker's fix for guests whose timer never fired after a
     * restore, firecracker#4666).
     */
    static LinkedHashMap<Integer, Long> deadlineAfterTsc(Map<Integer, Long> msrs) {
        LinkedHashMap<Integer, Long> ordered = new LinkedHashMap<>(msrs);
        Long deadline = ordered.remove(IA32_TSC_DEADLINE);
        if (deadline != null) {
            ordered.put(IA32_TSC_DEADLINE, deadline);
        }
        return ordered;
    }

    /**
     * The MSRs as read at a pause, with a zero IA32_TSC_DEADLINE replaced by the TSC: KVM clears
     * the deadline when the timer fires, and an interrupt not yet delivered when the vCPU stopped
     * is not in the snapshot, so the restored guest would wait for a tick that never comes (what
     * Firecracker saw after restores, firecracker#4618). A deadline of "now" fires
     * once at once and Linux takes a tick early. KVM ignores the write when the LAPIC timer is not
     * in TSC-deadline mode.
     */
    static Map<Integer, Long> withDeadlineRearmed(Map<Integer, Long> msrs) {
        Long deadline = msrs.get(IA32_TSC_DEADLINE);
        Long tsc = msrs.get(BootMsrs.IA32_TSC);
        if (deadline == null || deadline != 0 || tsc == null) {
            return msrs;
        }
        Map<Integer, Long> rearmed = new LinkedHashMap<>(msrs);
        rearmed.put(IA32_TSC_DEADLINE, tsc);
        return rearmed;
    }

    /**
     * Reads a vCPU that is outside KVM_RUN (a paused VM's), mp_state before vcpu_events as KVM
     * requires (reading mp_state settles pending INIT/SIPI events into it).
     *
     * @param msrIndices the host's saveable MSRs ({@link dev.panamax.kvm.Kvm#msrIndexList()})
     * @param xsaveSize  bytes of XSAVE state: KVM_CAP_XSAVE2's answer, at least 4096
     */
    public static VcpuState save(VcpuFd vcpu, List<Integer> msrIndices, int xsaveSize, boolean tscKhzKnown) {
        try (Arena a = Arena.ofConfined()) {
            int mpState = vcpu.mpState();
            byte[] events = read(a, kvm_vcpu_events.LAYOUT.byteSize(), vcpu::getVcpuEvents);
            return new VcpuState(vcpu.id(), vcpu.cpuid(), tscKhzKnown ? vcpu.tscKhz() : 0, mpState,
                    read(a, kvm_regs.LAYOUT.byteSize(), vcpu::getRegs),
                    read(a, kvm_sregs.LAYOUT.byteSize(), vcpu::getSregs),
                    read(a, Math.max(xsaveSize, kvm_xsave.LAYOUT.byteSize()), vcpu::getXsave),
                    read(a, kvm_xcrs.LAYOUT.byteSize(), vcpu::getXcrs),
                    read(a, kvm_debugregs.LAYOUT.byteSize(), vcpu::getDebugRegs),
                    read(a, kvm_lapic_state.LAYOUT.byteSize(), vcpu::getLapic),
                    withDeadlineRearmed(vcpu.getMsrs(msrIndices)), events);
        }
    }

    private static byte[] read(Arena a, long size, Consumer<MemorySegment> getter) {
        MemorySegment s = a.allocate(size, 8);
        getter.accept(s);
        return s.toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * Loads this state into a fresh vCPU of a VM with the in-kernel irqchip, in the order KVM
     * needs: CPUID first (it shapes what the rest may hold), TSC frequency before the TSC MSR,
     * mp_state, registers, XSAVE, XCRs, debug registers, the LAPIC before the MSRs (the TSC
     * deadline MSR needs the LAPIC's timer mode), and pending events last; then the guest's
     * kvmclock is told it was stopped by the host, so that its watchdogs do not count the gap.
     *
     * @param tscKhzSettable whether the host can scale a vCPU's TSC (KVM_CAP_TSC_CONTROL)
     * @return the MSRs KVM would not take back (it read them, so normally none); the caller
     *     says so, the rest of the state is loaded all the same
     * @throws dev.panamax.kvm.sys.SyscallException naming the ioctl KVM refused
     */
    public List<Integer> restore(VcpuFd vcpu, boolean tscKhzSettable) {
        List<Integer> refused;
        vcpu.setCpuid(cpuid);
        if (tscKhz != 0 && vcpu.tscKhz() != tscKhz) {
            if (!tscKhzSettable) {
                throw new IllegalStateException("vCPU " + id + ": the snapshot's TSC runs at " + tscKhz
                        + " kHz, this host's at " + vcpu.tscKhz() + " kHz, and KVM cannot scale it (no KVM_CAP_TSC_CONTROL)");
            }
            vcpu.setTscKhz(tscKhz);
        }
        vcpu.setMpState(mpState);
        try (Arena a = Arena.ofConfined()) {
            vcpu.setRegs(a.allocateFrom(ValueLayout.JAVA_BYTE, regs));
            vcpu.setSregs(a.allocateFrom(ValueLayout.JAVA_BYTE, sregs));
            vcpu.setXsave(aligned(a, xsave));
            vcpu.setXcrs(aligned(a, xcrs));
            vcpu.setDebugRegs(aligned(a, debugregs));
            vcpu.setLapic(a.allocateFrom(ValueLayout.JAVA_BYTE, lapic));
            refused = vcpu.setMsrsSkippingRefused(msrs);
            if (!refused.isEmpty()) {
                // once more: one MSR may need another that comes after it in KVM's list
                Map<Integer, Long> again = new LinkedHashMap<>();
                refused.forEach(index -> again.put(index, msrs.get(index)));
                refused = vcpu.setMsrsSkippingRefused(again);
            }
            vcpu.setVcpuEvents(aligned(a, vcpuEvents));
        }
        vcpu.markGuestPaused();
        return refused;
    }

    private static MemorySegment aligned(Arena a, byte[] bytes) {
        MemorySegment s = a.allocate(bytes.length, 8);
        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return s;
    }
}
