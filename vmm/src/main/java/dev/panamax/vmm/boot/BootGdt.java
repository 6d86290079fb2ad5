package dev.panamax.vmm.boot;

import dev.panamax.memory.GuestMemory;
import dev.panamax.vcpu.CpuBootState.DescriptorTable;
import dev.panamax.vcpu.Segment;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The boot GDT at {@link MemoryMap#GDT_START} and the empty IDT after it. Selectors follow
 * boot.rst's 64-bit protocol, which names __BOOT_CS = 0x10 and __BOOT_DS = 0x18; the free slot
 * 0x08 holds a busy TSS, because VM entry demands a usable TR even though the guest never loads
 * one from here (Linux and the PVH entry install their own GDT at once). Four entries is all that
 * fits before the IDT at 0x520.
 */
final class BootGdt {
    static final int TSS_SELECTOR = 0x08;
    static final int CODE_SELECTOR = 0x10;
    static final int DATA_SELECTOR = 0x18;
    private static final int ENTRIES = 4;
    private static final int DESCRIPTOR_SIZE = 8;

    /** Flat 64-bit code: present, DPL 0, execute/read/accessed, L=1, G=1. */
    static final long CODE_64 = 0x00af_9b00_0000_ffffL;
    /** Flat 32-bit code for PVH: like CODE_64 but D=1, L=0; base 0, limit 4 GiB. */
    static final long CODE_32 = 0x00cf_9b00_0000_ffffL;
    /** Flat data: present, DPL 0, read/write/accessed, D/B=1, G=1, base 0, limit 4 GiB. */
    static final long DATA = 0x00cf_9300_0000_ffffL;
    /** Busy TSS (type 0xb, the only type VM entry takes for TR), base 0, limit 0x67 as PVH asks. */
    static final long TSS = 0x0000_8b00_0000_0067L;

    /** IDTR limit 0: no usable gates, so a stray interrupt before the kernel sets its IDT shuts the VM down. */
    static final int IDT_LIMIT = 0;

    static final BootGdt LONG_MODE = new BootGdt(CODE_64);
    static final BootGdt PROTECTED_MODE = new BootGdt(CODE_32);

    private final long[] descriptors;

    private BootGdt(long code) {
        descriptors = new long[ENTRIES];
        descriptors[TSS_SELECTOR / DESCRIPTOR_SIZE] = TSS;
        descriptors[CODE_SELECTOR / DESCRIPTOR_SIZE] = code;
        descriptors[DATA_SELECTOR / DESCRIPTOR_SIZE] = DATA;
    }

    Segment code() {
        return segment(CODE_SELECTOR);
    }

    Segment data() {
        return segment(DATA_SELECTOR);
    }

    Segment taskRegister() {
        return segment(TSS_SELECTOR);
    }

    DescriptorTable gdtr() {
        return new DescriptorTable(MemoryMap.GDT_START, ENTRIES * DESCRIPTOR_SIZE - 1);
    }

    DescriptorTable idtr() {
        return new DescriptorTable(MemoryMap.IDT_START, IDT_LIMIT);
    }

    /** Writes the GDT and one zeroed IDT slot. */
    void writeTo(GuestMemory mem) {
        ByteBuffer gdt = ByteBuffer.allocate(ENTRIES * DESCRIPTOR_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (long d : descriptors) {
            gdt.putLong(d);
        }
        mem.write(MemoryMap.GDT_START, gdt.array());
        mem.writeU64(MemoryMap.IDT_START, 0);
    }

    private Segment segment(int selector) {
        return Segment.fromDescriptor(selector, descriptors[selector / DESCRIPTOR_SIZE]);
    }
}
