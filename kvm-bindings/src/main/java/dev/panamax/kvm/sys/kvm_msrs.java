package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_msrs} from {@code <asm/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers). Header of a variable-length array; entries follow.
 */
@SuppressWarnings("unused")
public final class kvm_msrs {
    private kvm_msrs() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("nmsrs"),
        JAVA_INT.withName("pad"),
        MemoryLayout.sequenceLayout(0, kvm_msr_entry.LAYOUT).withName("entries")).withName("kvm_msrs");

    private static final VarHandle nmsrs$VH = LAYOUT.varHandle(groupElement("nmsrs"));
    /** Byte offset of {@code nmsrs}. */
    public static final long nmsrs$OFFSET = LAYOUT.byteOffset(groupElement("nmsrs"));
    /** Reads {@code nmsrs}. */
    public static int nmsrs(MemorySegment struct) {
        return (int) nmsrs$VH.get(struct, 0L);
    }
    /** Writes {@code nmsrs}. */
    public static void nmsrs(MemorySegment struct, int value) {
        nmsrs$VH.set(struct, 0L, value);
    }

    private static final VarHandle pad$VH = LAYOUT.varHandle(groupElement("pad"));
    /** Byte offset of {@code pad}. */
    public static final long pad$OFFSET = LAYOUT.byteOffset(groupElement("pad"));
    /** Reads {@code pad}. */
    public static int pad(MemorySegment struct) {
        return (int) pad$VH.get(struct, 0L);
    }
    /** Writes {@code pad}. */
    public static void pad(MemorySegment struct, int value) {
        pad$VH.set(struct, 0L, value);
    }

    /** Byte offset of {@code entries}. */
    public static final long entries$OFFSET = LAYOUT.byteOffset(groupElement("entries"));
    /** Slice of {@code entries}. */
    public static MemorySegment entries(MemorySegment struct) {
        return struct.asSlice(entries$OFFSET, LAYOUT.select(groupElement("entries")).byteSize());
    }

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
