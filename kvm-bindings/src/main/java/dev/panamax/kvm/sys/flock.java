package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * {@code struct flock} from {@code <fcntl.h>} (x86_64), jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers): the record
 * lock {@code fcntl(F_OFD_SETLK)} takes.
 */
@SuppressWarnings("unused")
public final class flock {
    private flock() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_SHORT.withName("l_type"),
        JAVA_SHORT.withName("l_whence"),
        MemoryLayout.paddingLayout(4),
        JAVA_LONG.withName("l_start"),
        JAVA_LONG.withName("l_len"),
        JAVA_INT.withName("l_pid"),
        MemoryLayout.paddingLayout(4)).withName("flock");

    private static final VarHandle l_type$VH = LAYOUT.varHandle(groupElement("l_type"));
    private static final VarHandle l_whence$VH = LAYOUT.varHandle(groupElement("l_whence"));
    private static final VarHandle l_start$VH = LAYOUT.varHandle(groupElement("l_start"));
    private static final VarHandle l_len$VH = LAYOUT.varHandle(groupElement("l_len"));

    /** Writes {@code l_type} (F_RDLCK, F_WRLCK, F_UNLCK). */
    public static void l_type(MemorySegment struct, short value) {
        l_type$VH.set(struct, 0L, value);
    }

    /** Writes {@code l_whence} (SEEK_SET, ...). */
    public static void l_whence(MemorySegment struct, short value) {
        l_whence$VH.set(struct, 0L, value);
    }

    /** Writes {@code l_start}. */
    public static void l_start(MemorySegment struct, long value) {
        l_start$VH.set(struct, 0L, value);
    }

    /** Writes {@code l_len} (0: to the end of the file, however it grows). */
    public static void l_len(MemorySegment struct, long value) {
        l_len$VH.set(struct, 0L, value);
    }

    /** A zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
