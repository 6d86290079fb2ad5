package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_mp_state} from {@code <linux/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers).
 */
@SuppressWarnings("unused")
public final class kvm_mp_state {
    private kvm_mp_state() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("mp_state")).withName("kvm_mp_state");

    private static final VarHandle mp_state$VH = LAYOUT.varHandle(groupElement("mp_state"));
    /** Byte offset of {@code mp_state}. */
    public static final long mp_state$OFFSET = LAYOUT.byteOffset(groupElement("mp_state"));
    /** Reads {@code mp_state}. */
    public static int mp_state(MemorySegment struct) {
        return (int) mp_state$VH.get(struct, 0L);
    }
    /** Writes {@code mp_state}. */
    public static void mp_state(MemorySegment struct, int value) {
        mp_state$VH.set(struct, 0L, value);
    }

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
