package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_debugregs} from {@code <asm/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers). A snapshot keeps it as bytes.
 */
@SuppressWarnings("unused")
public final class kvm_debugregs {
    private kvm_debugregs() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        MemoryLayout.sequenceLayout(4, JAVA_LONG).withName("db"),
        JAVA_LONG.withName("dr6"),
        JAVA_LONG.withName("dr7"),
        JAVA_LONG.withName("flags"),
        MemoryLayout.sequenceLayout(9, JAVA_LONG).withName("reserved")).withName("kvm_debugregs");

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
