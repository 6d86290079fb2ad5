package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_lapic_state} from {@code <asm/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers).
 */
@SuppressWarnings("unused")
public final class kvm_lapic_state {
    private kvm_lapic_state() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        MemoryLayout.sequenceLayout(1024, JAVA_BYTE).withName("regs")).withName("kvm_lapic_state");

    /** Byte offset of {@code regs}. */
    public static final long regs$OFFSET = LAYOUT.byteOffset(groupElement("regs"));
    /** Slice of {@code regs}. */
    public static MemorySegment regs(MemorySegment struct) {
        return struct.asSlice(regs$OFFSET, LAYOUT.select(groupElement("regs")).byteSize());
    }

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
