package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_dtable} from {@code <asm/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers).
 */
@SuppressWarnings("unused")
public final class kvm_dtable {
    private kvm_dtable() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_LONG.withName("base"),
        JAVA_SHORT.withName("limit"),
        MemoryLayout.sequenceLayout(3, JAVA_SHORT).withName("padding")).withName("kvm_dtable");

    private static final VarHandle base$VH = LAYOUT.varHandle(groupElement("base"));
    /** Byte offset of {@code base}. */
    public static final long base$OFFSET = LAYOUT.byteOffset(groupElement("base"));
    /** Reads {@code base}. */
    public static long base(MemorySegment struct) {
        return (long) base$VH.get(struct, 0L);
    }
    /** Writes {@code base}. */
    public static void base(MemorySegment struct, long value) {
        base$VH.set(struct, 0L, value);
    }

    private static final VarHandle limit$VH = LAYOUT.varHandle(groupElement("limit"));
    /** Byte offset of {@code limit}. */
    public static final long limit$OFFSET = LAYOUT.byteOffset(groupElement("limit"));
    /** Reads {@code limit}. */
    public static short limit(MemorySegment struct) {
        return (short) limit$VH.get(struct, 0L);
    }
    /** Writes {@code limit}. */
    public static void limit(MemorySegment struct, short value) {
        limit$VH.set(struct, 0L, value);
    }

    /** Byte offset of {@code padding}. */
    public static final long padding$OFFSET = LAYOUT.byteOffset(groupElement("padding"));
    /** Slice of {@code padding}. */
    public static MemorySegment padding(MemorySegment struct) {
        return struct.asSlice(padding$OFFSET, LAYOUT.select(groupElement("padding")).byteSize());
    }

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
