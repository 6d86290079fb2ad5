package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_sregs} from {@code <asm/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers).
 */
@SuppressWarnings("unused")
public final class kvm_sregs {
    private kvm_sregs() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        kvm_segment.LAYOUT.withName("cs"),
        kvm_segment.LAYOUT.withName("ds"),
        kvm_segment.LAYOUT.withName("es"),
        kvm_segment.LAYOUT.withName("fs"),
        kvm_segment.LAYOUT.withName("gs"),
        kvm_segment.LAYOUT.withName("ss"),
        kvm_segment.LAYOUT.withName("tr"),
        kvm_segment.LAYOUT.withName("ldt"),
        kvm_dtable.LAYOUT.withName("gdt"),
        kvm_dtable.LAYOUT.withName("idt"),
        JAVA_LONG.withName("cr0"),
        JAVA_LONG.withName("cr2"),
        JAVA_LONG.withName("cr3"),
        JAVA_LONG.withName("cr4"),
        JAVA_LONG.withName("cr8"),
        JAVA_LONG.withName("efer"),
        JAVA_LONG.withName("apic_base"),
        MemoryLayout.sequenceLayout(4, JAVA_LONG).withName("interrupt_bitmap")).withName("kvm_sregs");

    /** Byte offset of {@code cs}. */
    public static final long cs$OFFSET = LAYOUT.byteOffset(groupElement("cs"));
    /** Slice of {@code cs}. */
    public static MemorySegment cs(MemorySegment struct) {
        return struct.asSlice(cs$OFFSET, LAYOUT.select(groupElement("cs")).byteSize());
    }

    /** Byte offset of {@code ds}. */
    public static final long ds$OFFSET = LAYOUT.byteOffset(groupElement("ds"));
    /** Slice of {@code ds}. */
    public static MemorySegment ds(MemorySegment struct) {
        return struct.asSlice(ds$OFFSET, LAYOUT.select(groupElement("ds")).byteSize());
    }

    /** Byte offset of {@code es}. */
    public static final long es$OFFSET = LAYOUT.byteOffset(groupElement("es"));
    /** Slice of {@code es}. */
    public static MemorySegment es(MemorySegment struct) {
        return struct.asSlice(es$OFFSET, LAYOUT.select(groupElement("es")).byteSize());
    }

    /** Byte offset of {@code fs}. */
    public static final long fs$OFFSET = LAYOUT.byteOffset(groupElement("fs"));
    /** Slice of {@code fs}. */
    public static MemorySegment fs(MemorySegment struct) {
        return struct.asSlice(fs$OFFSET, LAYOUT.select(groupElement("fs")).byteSize());
    }

    /** Byte offset of {@code gs}. */
    public static final long gs$OFFSET = LAYOUT.byteOffset(groupElement("gs"));
    /** Slice of {@code gs}. */
    public static MemorySegment gs(MemorySegment struct) {
        return struct.asSlice(gs$OFFSET, LAYOUT.select(groupElement("gs")).byteSize());
    }

    /** Byte offset of {@code ss}. */
    public static final long ss$OFFSET = LAYOUT.byteOffset(groupElement("ss"));
    /** Slice of {@code ss}. */
    public static MemorySegment ss(MemorySegment struct) {
        return struct.asSlice(ss$OFFSET, LAYOUT.select(groupElement("ss")).byteSize());
    }

    /** Byte offset of {@code tr}. */
    public static final long tr$OFFSET = LAYOUT.byteOffset(groupElement("tr"));
    /** Slice of {@code tr}. */
    public static MemorySegment tr(MemorySegment struct) {
        return struct.asSlice(tr$OFFSET, LAYOUT.select(groupElement("tr")).byteSize());
    }

    /** Byte offset of {@code ldt}. */
    public static final long ldt$OFFSET = LAYOUT.byteOffset(groupElement("ldt"));
    /** Slice of {@code ldt}. */
    public static MemorySegment ldt(MemorySegment struct) {
        return struct.asSlice(ldt$OFFSET, LAYOUT.select(groupElement("ldt")).byteSize());
    }

    /** Byte offset of {@code gdt}. */
    public static final long gdt$OFFSET = LAYOUT.byteOffset(groupElement("gdt"));
    /** Slice of {@code gdt}. */
    public static MemorySegment gdt(MemorySegment struct) {
        return struct.asSlice(gdt$OFFSET, LAYOUT.select(groupElement("gdt")).byteSize());
    }

    /** Byte offset of {@code idt}. */
    public static final long idt$OFFSET = LAYOUT.byteOffset(groupElement("idt"));
    /** Slice of {@code idt}. */
    public static MemorySegment idt(MemorySegment struct) {
        return struct.asSlice(idt$OFFSET, LAYOUT.select(groupElement("idt")).byteSize());
    }

    private static final VarHandle cr0$VH = LAYOUT.varHandle(groupElement("cr0"));
    /** Byte offset of {@code cr0}. */
    public static final long cr0$OFFSET = LAYOUT.byteOffset(groupElement("cr0"));
    /** Reads {@code cr0}. */
    public static long cr0(MemorySegment struct) {
        return (long) cr0$VH.get(struct, 0L);
    }
    /** Writes {@code cr0}. */
    public static void cr0(MemorySegment struct, long value) {
        cr0$VH.set(struct, 0L, value);
    }

    private static final VarHandle cr2$VH = LAYOUT.varHandle(groupElement("cr2"));
    /** Byte offset of {@code cr2}. */
    public static final long cr2$OFFSET = LAYOUT.byteOffset(groupElement("cr2"));
    /** Reads {@code cr2}. */
    public static long cr2(MemorySegment struct) {
        return (long) cr2$VH.get(struct, 0L);
    }
    /** Writes {@code cr2}. */
    public static void cr2(MemorySegment struct, long value) {
        cr2$VH.set(struct, 0L, value);
    }

    private static final VarHandle cr3$VH = LAYOUT.varHandle(groupElement("cr3"));
    /** Byte offset of {@code cr3}. */
    public static final long cr3$OFFSET = LAYOUT.byteOffset(groupElement("cr3"));
    /** Reads {@code cr3}. */
    public static long cr3(MemorySegment struct) {
        return (long) cr3$VH.get(struct, 0L);
    }
    /** Writes {@code cr3}. */
    public static void cr3(MemorySegment struct, long value) {
        cr3$VH.set(struct, 0L, value);
    }

    private static final VarHandle cr4$VH = LAYOUT.varHandle(groupElement("cr4"));
    /** Byte offset of {@code cr4}. */
    public static final long cr4$OFFSET = LAYOUT.byteOffset(groupElement("cr4"));
    /** Reads {@code cr4}. */
    public static long cr4(MemorySegment struct) {
        return (long) cr4$VH.get(struct, 0L);
    }
    /** Writes {@code cr4}. */
    public static void cr4(MemorySegment struct, long value) {
        cr4$VH.set(struct, 0L, value);
    }

    private static final VarHandle cr8$VH = LAYOUT.varHandle(groupElement("cr8"));
    /** Byte offset of {@code cr8}. */
    public static final long cr8$OFFSET = LAYOUT.byteOffset(groupElement("cr8"));
    /** Reads {@code cr8}. */
    public static long cr8(MemorySegment struct) {
        return (long) cr8$VH.get(struct, 0L);
    }
    /** Writes {@code cr8}. */
    public static void cr8(MemorySegment struct, long value) {
        cr8$VH.set(struct, 0L, value);
    }

    private static final VarHandle efer$VH = LAYOUT.varHandle(groupElement("efer"));
    /** Byte offset of {@code efer}. */
    public static final long efer$OFFSET = LAYOUT.byteOffset(groupElement("efer"));
    /** Reads {@code efer}. */
    public static long efer(MemorySegment struct) {
        return (long) efer$VH.get(struct, 0L);
    }
    /** Writes {@code efer}. */
    public static void efer(MemorySegment struct, long value) {
        efer$VH.set(struct, 0L, value);
    }

    private static final VarHandle apic_base$VH = LAYOUT.varHandle(groupElement("apic_base"));
    /** Byte offset of {@code apic_base}. */
    public static final long apic_base$OFFSET = LAYOUT.byteOffset(groupElement("apic_base"));
    /** Reads {@code apic_base}. */
    public static long apic_base(MemorySegment struct) {
        return (long) apic_base$VH.get(struct, 0L);
    }
    /** Writes {@code apic_base}. */
    public static void apic_base(MemorySegment struct, long value) {
        apic_base$VH.set(struct, 0L, value);
    }

    /** Byte offset of {@code interrupt_bitmap}. */
    public static final long interrupt_bitmap$OFFSET = LAYOUT.byteOffset(groupElement("interrupt_bitmap"));
    /** Slice of {@code interrupt_bitmap}. */
    public static MemorySegment interrupt_bitmap(MemorySegment struct) {
        return struct.asSlice(interrupt_bitmap$OFFSET, LAYOUT.select(groupElement("interrupt_bitmap")).byteSize());
    }

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
