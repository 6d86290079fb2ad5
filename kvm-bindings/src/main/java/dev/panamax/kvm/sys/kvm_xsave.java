package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_xsave} from {@code <asm/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers). A snapshot keeps it as bytes; {@code KVM_GET_XSAVE2} may need more than the 4 KiB of {@code region} (KVM_CAP_XSAVE2 says how much): {@code extra} is that tail.
 */
@SuppressWarnings("unused")
public final class kvm_xsave {
    private kvm_xsave() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        MemoryLayout.sequenceLayout(1024, JAVA_INT).withName("region"),
        MemoryLayout.sequenceLayout(0, JAVA_INT).withName("extra")).withName("kvm_xsave");

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
