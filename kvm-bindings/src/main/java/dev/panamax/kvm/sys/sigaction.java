package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct sigaction} from {@code <signal.h>} (glibc, x86_64), jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers). {@code sa_handler}
 * is glibc's macro for the handler union's first member.
 */
public final class sigaction {
    private sigaction() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ADDRESS.withName("sa_handler"),
        MemoryLayout.sequenceLayout(16, JAVA_LONG).withName("sa_mask"),
        JAVA_INT.withName("sa_flags"),
        MemoryLayout.paddingLayout(4),
        ADDRESS.withName("sa_restorer")).withName("sigaction");

    private static final VarHandle sa_handler$VH = LAYOUT.varHandle(groupElement("sa_handler"));
    /** Writes {@code sa_handler}. */
    public static void sa_handler(MemorySegment struct, MemorySegment value) {
        sa_handler$VH.set(struct, 0L, value);
    }

    private static final VarHandle sa_flags$VH = LAYOUT.varHandle(groupElement("sa_flags"));
    /** Writes {@code sa_flags}. */
    public static void sa_flags(MemorySegment struct, int value) {
        sa_flags$VH.set(struct, 0L, value);
    }

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
