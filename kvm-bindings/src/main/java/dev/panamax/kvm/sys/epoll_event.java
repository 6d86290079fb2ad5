package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct epoll_event} from {@code <sys/epoll.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers). Packed on x86_64 (__EPOLL_PACKED): data sits at offset 4.
 */
@SuppressWarnings("unused")
public final class epoll_event {
    private epoll_event() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("events"),
        JAVA_LONG_UNALIGNED.withName("data")).withName("epoll_event");

    private static final VarHandle events$VH = LAYOUT.varHandle(groupElement("events"));
    /** Byte offset of {@code events}. */
    public static final long events$OFFSET = LAYOUT.byteOffset(groupElement("events"));
    /** Reads {@code events}. */
    public static int events(MemorySegment struct) {
        return (int) events$VH.get(struct, 0L);
    }
    /** Writes {@code events}. */
    public static void events(MemorySegment struct, int value) {
        events$VH.set(struct, 0L, value);
    }

    private static final VarHandle data$VH = LAYOUT.varHandle(groupElement("data"));
    /** Byte offset of {@code data}. */
    public static final long data$OFFSET = LAYOUT.byteOffset(groupElement("data"));
    /** Reads {@code data}. */
    public static long data(MemorySegment struct) {
        return (long) data$VH.get(struct, 0L);
    }
    /** Writes {@code data}. */
    public static void data(MemorySegment struct, long value) {
        data$VH.set(struct, 0L, value);
    }

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
