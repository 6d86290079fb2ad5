package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * {@code struct sock_fprog} from {@code <linux/filter.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers): a classic BPF
 * program, {@code len} {@link sock_filter}s at {@code filter}, as {@code seccomp(2)} takes it.
 */
@SuppressWarnings("unused")
public final class sock_fprog {
    private sock_fprog() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_SHORT.withName("len"),
        MemoryLayout.paddingLayout(6),
        ADDRESS.withName("filter")).withName("sock_fprog");

    private static final VarHandle len$VH = LAYOUT.varHandle(groupElement("len"));
    private static final VarHandle filter$VH = LAYOUT.varHandle(groupElement("filter"));

    /** A program of {@code len} instructions at {@code filter}. */
    public static MemorySegment allocate(SegmentAllocator allocator, short len, MemorySegment filter) {
        MemorySegment prog = allocator.allocate(LAYOUT);
        len$VH.set(prog, 0L, len);
        filter$VH.set(prog, 0L, filter);
        return prog;
    }
}
