package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_pit_config} from {@code <linux/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers).
 */
@SuppressWarnings("unused")
public final class kvm_pit_config {
    private kvm_pit_config() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("flags"),
        MemoryLayout.sequenceLayout(15, JAVA_INT).withName("pad")).withName("kvm_pit_config");

    private static final VarHandle flags$VH = LAYOUT.varHandle(groupElement("flags"));
    /** Byte offset of {@code flags}. */
    public static final long flags$OFFSET = LAYOUT.byteOffset(groupElement("flags"));
    /** Reads {@code flags}. */
    public static int flags(MemorySegment struct) {
        return (int) flags$VH.get(struct, 0L);
    }
    /** Writes {@code flags}. */
    public static void flags(MemorySegment struct, int value) {
        flags$VH.set(struct, 0L, value);
    }

    /** Byte offset of {@code pad}. */
    public static final long pad$OFFSET = LAYOUT.byteOffset(groupElement("pad"));
    /** Slice of {@code pad}. */
    public static MemorySegment pad(MemorySegment struct) {
        return struct.asSlice(pad$OFFSET, LAYOUT.select(groupElement("pad")).byteSize());
    }

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
