package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_msr_list} from {@code <asm/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers). What {@code KVM_GET_MSR_INDEX_LIST} fills: {@code nmsrs} indices follow the header.
 */
@SuppressWarnings("unused")
public final class kvm_msr_list {
    private kvm_msr_list() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("nmsrs"),
        MemoryLayout.sequenceLayout(0, JAVA_INT).withName("indices")).withName("kvm_msr_list");

    /** Byte offset of {@code nmsrs}. */
    public static final long nmsrs$OFFSET = LAYOUT.byteOffset(groupElement("nmsrs"));
    /** Byte offset of {@code indices}. */
    public static final long indices$OFFSET = LAYOUT.byteOffset(groupElement("indices"));

    public static int nmsrs(MemorySegment struct) {
        return struct.get(JAVA_INT, nmsrs$OFFSET);
    }

    public static void nmsrs(MemorySegment struct, int value) {
        struct.set(JAVA_INT, nmsrs$OFFSET, value);
    }

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
