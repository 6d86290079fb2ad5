package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_xcrs} from {@code <asm/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers). A snapshot keeps it as bytes.
 */
@SuppressWarnings("unused")
public final class kvm_xcrs {
    private kvm_xcrs() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("nr_xcrs"),
        JAVA_INT.withName("flags"),
        MemoryLayout.sequenceLayout(16, kvm_xcr.LAYOUT).withName("xcrs"),
        MemoryLayout.sequenceLayout(16, JAVA_LONG).withName("padding")).withName("kvm_xcrs");

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
