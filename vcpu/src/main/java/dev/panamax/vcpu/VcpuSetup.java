package dev.panamax.vcpu;

import dev.panamax.kvm.CpuidEntry;
import dev.panamax.kvm.VcpuFd;
import dev.panamax.kvm.sys.kvm_dtable;
import dev.panamax.kvm.sys.kvm_fpu;
import dev.panamax.kvm.sys.kvm_lapic_state;
import dev.panamax.kvm.sys.kvm_regs;
import dev.panamax.kvm.sys.kvm_segment;
import dev.panamax.kvm.sys.kvm_sregs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/** Puts a freshly created vCPU into the state Linux expects at boot. */
public final class VcpuSetup {
    private VcpuSetup() {}

    private static final short FPU_CONTROL_DEFAULT = 0x37f;
    private static final int MXCSR_DEFAULT = 0x1f80;
    private static final int APIC_LVT0 = 0x350;
    private static final int APIC_LVT1 = 0x360;
    private static final int APIC_DELIVERY_MODE_MASK = 0x700;
    private static final int APIC_MODE_NMI = 0x4;
    private static final int APIC_MODE_EXTINT = 0x7;

    /**
     * CPUID, boot MSRs and FPU for every vCPU; with the in-kernel irqchip also the LAPIC's local
     * interrupt pins (LINT0 takes the PIC's ExtINT, LINT1 takes NMI), which the MP table announces.
     */
    public static void configure(VcpuFd vcpu, List<CpuidEntry> cpuid, boolean inKernelIrqchip) {
        vcpu.setCpuid(cpuid);
        vcpu.setMsrs(BootMsrs.entries());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fpu = kvm_fpu.allocate(arena);
            kvm_fpu.fcw(fpu, FPU_CONTROL_DEFAULT);
            kvm_fpu.mxcsr(fpu, MXCSR_DEFAULT);
            vcpu.setFpu(fpu);
            if (inKernelIrqchip) {
                MemorySegment lapic = kvm_lapic_state.allocate(arena);
                vcpu.getLapic(lapic);
                setDeliveryMode(lapic, APIC_LVT0, APIC_MODE_EXTINT);
                setDeliveryMode(lapic, APIC_LVT1, APIC_MODE_NMI);
                vcpu.setLapic(lapic);
            }
        }
    }

    private static void setDeliveryMode(MemorySegment lapic, int register, int mode) {
        int value = lapic.get(JAVA_INT, register);
        lapic.set(JAVA_INT, register, (value & ~APIC_DELIVERY_MODE_MASK) | (mode << 8));
    }

    /**
     * Loads the boot register state exactly as {@code state} gives it (see {@link CpuBootState}):
     * segments, descriptor tables, control registers, RIP/RSP/RFLAGS and the boot-info register.
     */
    public static void enter(VcpuFd vcpu, CpuBootState state) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sregs = kvm_sregs.allocate(arena);
            vcpu.getSregs(sregs);
            load(kvm_sregs.cs(sregs), state.code());
            for (MemorySegment s : new MemorySegment[] {kvm_sregs.ds(sregs), kvm_sregs.es(sregs), kvm_sregs.fs(sregs),
                    kvm_sregs.gs(sregs), kvm_sregs.ss(sregs)}) {
                load(s, state.data());
            }
            load(kvm_sregs.tr(sregs), state.taskRegister());
            table(kvm_sregs.gdt(sregs), state.gdt());
            table(kvm_sregs.idt(sregs), state.idt());
            kvm_sregs.cr0(sregs, state.control().cr0());
            kvm_sregs.cr3(sregs, state.control().cr3());
            kvm_sregs.cr4(sregs, state.control().cr4());
            kvm_sregs.efer(sregs, state.control().efer());
            vcpu.setSregs(sregs);

            MemorySegment regs = kvm_regs.allocate(arena); // zeroed: every general register not set here is 0
            kvm_regs.rflags(regs, state.rflags());
            kvm_regs.rip(regs, state.entryPoint());
            kvm_regs.rsp(regs, state.stackPointer());
            kvm_regs.rbp(regs, state.stackPointer());
            switch (state.bootInfoRegister()) {
                case RSI -> kvm_regs.rsi(regs, state.bootInfoAddress());
                case RBX -> kvm_regs.rbx(regs, state.bootInfoAddress());
            }
            vcpu.setRegs(regs);
        }
    }

    private static void load(MemorySegment s, Segment v) {
        kvm_segment.base(s, v.base());
        kvm_segment.limit(s, (int) v.limit());
        kvm_segment.selector(s, (short) v.selector());
        kvm_segment.type(s, (byte) v.type());
        kvm_segment.present(s, flag(v.present()));
        kvm_segment.dpl(s, (byte) v.dpl());
        kvm_segment.db(s, flag(v.db()));
        kvm_segment.s(s, flag(v.s()));
        kvm_segment.l(s, flag(v.l()));
        kvm_segment.g(s, flag(v.g()));
        kvm_segment.avl(s, (byte) 0);
        kvm_segment.unusable(s, flag(!v.present()));
    }

    private static void table(MemorySegment t, CpuBootState.DescriptorTable table) {
        kvm_dtable.base(t, table.base());
        kvm_dtable.limit(t, (short) table.limit());
    }

    private static byte flag(boolean b) {
        return (byte) (b ? 1 : 0);
    }
}
