package dev.panamax.vcpu;

import dev.panamax.kvm.Kvm;
import dev.panamax.kvm.VcpuFd;
import dev.panamax.memory.GuestMemory;
import dev.panamax.memory.GuestRegion;
import dev.panamax.kvm.VmFd;
import dev.panamax.kvm.sys.kvm_regs;
import dev.panamax.kvm.sys.kvm_segment;
import dev.panamax.kvm.sys.kvm_sregs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A hand-made guest for tests: 4 MiB of RAM, a GDT, page tables identity-mapping the low 4 GiB
 * with 2 MiB pages, and a vCPU put straight into 64-bit long mode at {@link #CODE} in ring 0
 * or ring 3. Built only from the instructions PVM's emulator has (no int3, cmpxchg16b, xsave).
 */
final class LongModeGuest implements AutoCloseable {
    static final long CODE = 0x1000;
    static final long STACK_TOP = 0x8000;
    private static final long GDT = 0x500;
    private static final long PML4 = 0x9000;
    private static final long PDPT = 0xa000;
    private static final long PD = 0xb000; // four PDs, 0xb000..0xefff
    private static final long RAM = 4 << 20;

    static final int KERNEL_CS = 0x08;
    static final int KERNEL_DS = 0x10;
    static final int USER_CS = 0x18 | 3;
    static final int USER_DS = 0x20 | 3;

    final Kvm kvm;
    final VmFd vm;
    final GuestMemory memory;
    final VcpuFd vcpu;

    LongModeGuest(byte[] code, boolean ring3) {
        kvm = Kvm.open();
        vm = kvm.createVm();
        memory = GuestMemory.anonymous(List.of(new GuestMemory.Range(0, RAM)));
        GuestRegion ram = memory.regions().getFirst();
        vm.setUserMemoryRegion(0, 0, ram.guestAddress(), ram.size(), ram.hostAddress());
        writeGdt();
        writePageTables();
        memory.write(CODE, code);
        vcpu = vm.createVcpu(0);
        enterLongMode(ring3);
    }

    private void writeGdt() {
        long[] gdt = {
            0,
            0x00af9b000000ffffL, // 64-bit code, DPL 0
            0x00cf93000000ffffL, // data, DPL 0
            0x00affb000000ffffL, // 64-bit code, DPL 3
            0x00cff3000000ffffL, // data, DPL 3
        };
        for (int i = 0; i < gdt.length; i++) {
            memory.writeU64(GDT + 8L * i, gdt[i]);
        }
    }

    private void writePageTables() {
        long user = 0x4; // U/S: ring 3 may use every page
        memory.writeU64(PML4, PDPT | 0x3 | user);
        for (int gib = 0; gib < 4; gib++) {
            long pd = PD + 0x1000L * gib;
            memory.writeU64(PDPT + 8L * gib, pd | 0x3 | user);
            for (int i = 0; i < 512; i++) {
                long address = ((long) gib << 30) | ((long) i << 21);
                memory.writeU64(pd + 8L * i, address | 0x83 | user); // present, writable, 2 MiB page
            }
        }
    }

    private void enterLongMode(boolean ring3) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sregs = kvm_sregs.allocate(arena);
            vcpu.getSregs(sregs);
            int dpl = ring3 ? 3 : 0;
            segment(kvm_sregs.cs(sregs), ring3 ? USER_CS : KERNEL_CS, 11, dpl, true);
            for (MemorySegment data : new MemorySegment[] {kvm_sregs.ds(sregs), kvm_sregs.es(sregs),
                    kvm_sregs.fs(sregs), kvm_sregs.gs(sregs), kvm_sregs.ss(sregs)}) {
                segment(data, ring3 ? USER_DS : KERNEL_DS, 3, dpl, false);
            }
            MemorySegment gdt = kvm_sregs.gdt(sregs);
            dev.panamax.kvm.sys.kvm_dtable.base(gdt, GDT);
            dev.panamax.kvm.sys.kvm_dtable.limit(gdt, (short) (5 * 8 - 1));
            kvm_sregs.cr3(sregs, PML4);
            kvm_sregs.cr4(sregs, 1L << 5); // PAE
            kvm_sregs.cr0(sregs, 0x80000011L); // PG | ET | PE
            kvm_sregs.efer(sregs, 0x500); // LMA | LME
            vcpu.setSregs(sregs);

            MemorySegment regs = kvm_regs.allocate(arena);
            kvm_regs.rip(regs, CODE);
            kvm_regs.rsp(regs, STACK_TOP);
            kvm_regs.rflags(regs, ring3 ? 0x3002 : 0x2); // ring 3 gets IOPL 3 so it may use ports
            vcpu.setRegs(regs);
        }
    }

    private static void segment(MemorySegment s, int selector, int type, int dpl, boolean code) {
        kvm_segment.base(s, 0);
        kvm_segment.limit(s, 0xffffffff);
        kvm_segment.selector(s, (short) selector);
        kvm_segment.type(s, (byte) type);
        kvm_segment.present(s, (byte) 1);
        kvm_segment.dpl(s, (byte) dpl);
        kvm_segment.db(s, (byte) (code ? 0 : 1));
        kvm_segment.s(s, (byte) 1);
        kvm_segment.l(s, (byte) (code ? 1 : 0));
        kvm_segment.g(s, (byte) 1);
        kvm_segment.unusable(s, (byte) 0);
    }

    @Override
    public void close() {
        vcpu.close();
        vm.close();
        memory.close();
        kvm.close();
    }
}
