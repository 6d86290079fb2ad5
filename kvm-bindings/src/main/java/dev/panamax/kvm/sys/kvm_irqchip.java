package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_irqchip} from {@code <asm/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers). One chip of the in-kernel irqchip ({@code chip_id}: {@code KVM_IRQCHIP_PIC_MASTER}, {@code _PIC_SLAVE} or {@code _IOAPIC}); {@code chip} is the 512-byte union of their states, which a snapshot keeps as bytes.
 */
@SuppressWarnings("unused")
public final class kvm_irqchip {
    private kvm_irqchip() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("chip_id"),
        JAVA_INT.withName("pad"),
        MemoryLayout.unionLayout(MemoryLayout.sequenceLayout(512, JAVA_BYTE).withName("dummy")).withName("chip")).withName("kvm_irqchip");

    /** Byte offset of {@code chip_id}. */
    public static final long chip_id$OFFSET = LAYOUT.byteOffset(groupElement("chip_id"));
    /** Byte offset of {@code chip}. */
    public static final long chip$OFFSET = LAYOUT.byteOffset(groupElement("chip"));
    /** Size of {@code chip}. */
    public static final long chip$SIZE = LAYOUT.select(groupElement("chip")).byteSize();

    public static void chip_id(MemorySegment struct, int value) {
        struct.set(JAVA_INT, chip_id$OFFSET, value);
    }

    /** Slice of {@code chip}. */
    public static MemorySegment chip(MemorySegment struct) {
        return struct.asSlice(chip$OFFSET, chip$SIZE);
    }

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
