package dev.panamax.vmm.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The Intel MultiProcessor Specification 1.4 tables Linux reads to find the vCPUs and the IOAPIC
 * when there is no ACPI: a floating pointer structure at {@link MemoryMap#MPTABLE_START} (where
 * Linux scans, the last KiB of base memory) followed by the configuration table. Layouts and
 * codes from Linux's asm/mpspec_def.h.
 */
final class MpTable {
    /** Everything must fit below the legacy hole, in the reserved e820 range. */
    static final int MAX_SIZE = (int) (MemoryMap.LEGACY_HOLE_START - MemoryMap.MPTABLE_START);

    static final int FLOATING_POINTER_SIZE = 16;
    static final int HEADER_SIZE = 44;
    static final int PROCESSOR_SIZE = 20;
    static final int BUS_SIZE = 8;
    static final int IOAPIC_SIZE = 8;
    static final int INTSRC_SIZE = 8;
    static final int LINTSRC_SIZE = 8;
    /** KVM's in-kernel IOAPIC has 24 pins; each gets an entry so virtio IRQs above 15 route too. */
    static final int IOAPIC_PINS = 24;
    private static final int LOCAL_INTERRUPTS = 2;

    static final byte[] FLOATING_SIGNATURE = ascii("_MP_");
    static final byte[] TABLE_SIGNATURE = ascii("PCMP");
    private static final byte[] OEM_ID = ascii("PANAMAX ");
    private static final byte[] PRODUCT_ID = ascii("MICROVM     ");
    private static final byte[] BUS_TYPE_ISA = ascii("ISA   ");
    /** MP spec revision 1.4. */
    private static final byte SPEC_REVISION = 4;
    /** Floating pointer length in 16-byte paragraphs. */
    private static final byte FLOATING_POINTER_PARAGRAPHS = 1;

    static final byte MP_PROCESSOR = 0;
    static final byte MP_BUS = 1;
    static final byte MP_IOAPIC = 2;
    static final byte MP_INTSRC = 3;
    static final byte MP_LINTSRC = 4;
    private static final byte CPU_ENABLED = 1;
    private static final byte CPU_BOOTPROCESSOR = 2;
    private static final byte MPC_APIC_USABLE = 1;
    private static final byte MP_INT = 0;
    private static final byte MP_NMI = 1;
    private static final byte MP_EXTINT = 3;
    /** Polarity and trigger "conforming to the bus": 0. */
    private static final short IRQ_FLAGS_CONFORMING = 0;
    private static final byte ISA_BUS_ID = 0;
    /** Destination "all local APICs". */
    private static final byte ALL_LOCAL_APICS = (byte) 0xff;
    private static final byte LINT0 = 0;
    private static final byte LINT1 = 1;

    /** Local APIC version of an integrated xAPIC, as Firecracker reports. */
    private static final byte LAPIC_VERSION = 0x14;
    /** KVM's in-kernel IOAPIC reports version 0x11 (arch/x86/kvm/ioapic.h). */
    private static final byte IOAPIC_VERSION = 0x11;
    /** CPU signature: family 6, model 0, stepping 0. */
    private static final int CPU_SIGNATURE = 0x600;
    /** CPUID.1 EDX bits: FPU (0) and APIC (9). */
    private static final int CPU_FEATURES = 0x201;

    private MpTable() {}

    /** Bytes the tables take for {@code vcpus} processors. */
    static int size(int vcpus) {
        return FLOATING_POINTER_SIZE + HEADER_SIZE + vcpus * PROCESSOR_SIZE + BUS_SIZE + IOAPIC_SIZE
                + IOAPIC_PINS * INTSRC_SIZE + LOCAL_INTERRUPTS * LINTSRC_SIZE;
    }

    /** The most vCPUs whose tables fit in [MPTABLE_START, LEGACY_HOLE_START). */
    static int maxVcpus() {
        return (MAX_SIZE - size(0)) / PROCESSOR_SIZE;
    }

    /** The tables, to be written at MPTABLE_START: processors get APIC ids 0.., the IOAPIC the next id. */
    static byte[] build(int vcpuCount) {
        if (vcpuCount < 1 || vcpuCount > maxVcpus()) {
            throw new BootException("vCPU count " + vcpuCount + " is not in 1.." + maxVcpus()
                    + ", the most the MP table at [0x" + Long.toHexString(MemoryMap.MPTABLE_START) + ", 0x"
                    + Long.toHexString(MemoryMap.LEGACY_HOLE_START) + ") can describe");
        }
        ByteBuffer b = ByteBuffer.allocate(size(vcpuCount)).order(ByteOrder.LITTLE_ENDIAN);
        int tableStart = FLOATING_POINTER_SIZE;
        byte ioapicId = (byte) vcpuCount;

        b.put(FLOATING_SIGNATURE)
                .putInt((int) (MemoryMap.MPTABLE_START + tableStart))
                .put(FLOATING_POINTER_PARAGRAPHS)
                .put(SPEC_REVISION)
                .put((byte) 0) // checksum, below
                .put(new byte[5]); // feature bytes: 0 = a configuration table is present

        b.position(tableStart + HEADER_SIZE);
        for (int cpu = 0; cpu < vcpuCount; cpu++) {
            b.put(MP_PROCESSOR).put((byte) cpu).put(LAPIC_VERSION)
                    .put((byte) (CPU_ENABLED | (cpu == 0 ? CPU_BOOTPROCESSOR : 0)))
                    .putInt(CPU_SIGNATURE).putInt(CPU_FEATURES).putLong(0);
        }
        b.put(MP_BUS).put(ISA_BUS_ID).put(BUS_TYPE_ISA);
        b.put(MP_IOAPIC).put(ioapicId).put(IOAPIC_VERSION).put(MPC_APIC_USABLE).putInt((int) MemoryMap.IOAPIC_BASE);
        for (int pin = 0; pin < IOAPIC_PINS; pin++) {
            b.put(MP_INTSRC).put(MP_INT).putShort(IRQ_FLAGS_CONFORMING).put(ISA_BUS_ID).put((byte) pin)
                    .put(ioapicId).put((byte) pin);
        }
        b.put(MP_LINTSRC).put(MP_EXTINT).putShort(IRQ_FLAGS_CONFORMING).put(ISA_BUS_ID).put((byte) 0)
                .put(ALL_LOCAL_APICS).put(LINT0);
        b.put(MP_LINTSRC).put(MP_NMI).putShort(IRQ_FLAGS_CONFORMING).put(ISA_BUS_ID).put((byte) 0)
                .put(ALL_LOCAL_APICS).put(LINT1);

        int entries = vcpuCount + 1 + 1 + IOAPIC_PINS + LOCAL_INTERRUPTS;
        b.position(tableStart);
        b.put(TABLE_SIGNATURE)
                .putShort((short) (b.capacity() - tableStart))
                .put(SPEC_REVISION)
                .put((byte) 0) // checksum, below
                .put(OEM_ID)
                .put(PRODUCT_ID)
                .putInt(0) // no OEM table
                .putShort((short) 0)
                .putShort((short) entries)
                .putInt((int) MemoryMap.LAPIC_BASE)
                .putInt(0);

        byte[] bytes = b.array();
        bytes[10] = checksum(bytes, 0, FLOATING_POINTER_SIZE);
        bytes[tableStart + 7] = checksum(bytes, tableStart, bytes.length - tableStart);
        return bytes;
    }

    /** The byte that makes {@code [from, from + length)} sum to 0 mod 256 (its own slot holds 0). */
    private static byte checksum(byte[] bytes, int from, int length) {
        int sum = 0;
        for (int i = from; i < from + length; i++) {
            sum += bytes[i];
        }
        return (byte) -sum;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
