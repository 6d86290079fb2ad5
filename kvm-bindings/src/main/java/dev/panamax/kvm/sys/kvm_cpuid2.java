package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_cpuid2} from {@code <asm/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers). Header of a variable-length array; entries follow.
 */
@SuppressWarnings("unused")
public final class kvm_cpuid2 {
    private kvm_cpuid2() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("nent"),
        JAVA_INT.withName("padding"),
        MemoryLayout.sequenceLayout(0, kvm_cpuid_entry2.LAYOUT).withName("entries")).withName("kvm_cpuid2");

    private static final VarHandle nent$VH = LAYOUT.varHandle(groupElement("nent"));
    /** Byte offset of {@code nent}. */
    public static final long nent$OFFSET = LAYOUT.byteOffset(groupElement("nent"));
    /** Reads {@code nent}. */
    public static int nent(MemorySegment struct) {
        return (int) nent$VH.get(struct, 0L);
    }
    /** Writes {@code nent}. */
    public static void nent(MemorySegment struct, int value) {
        nent$VH.set(struct, 0L, value);
    }

    private static final VarHandle padding$VH = LAYOUT.varHandle(groupElement("padding"));
    /** Byte offset of {@code padding}. */
    public static final long padding$OFFSET = LAYOUT.byteOffset(groupElement("padding"));
    /** Reads {@code padding}. */
    public static int padding(MemorySegment struct) {
        return (int) padding$VH.get(struct, 0L);
    }
    /** Writes {@code padding}. */
    public static void padding(MemorySegment struct, int value) {
        padding$VH.set(struct, 0L, value);
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
