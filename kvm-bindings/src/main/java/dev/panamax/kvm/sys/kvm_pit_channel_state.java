package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_pit_channel_state} from {@code <asm/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers). One i8254 counter.
 */
@SuppressWarnings("unused")
public final class kvm_pit_channel_state {
    private kvm_pit_channel_state() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("count"),
        JAVA_SHORT.withName("latched_count"),
        JAVA_BYTE.withName("count_latched"),
        JAVA_BYTE.withName("status_latched"),
        JAVA_BYTE.withName("status"),
        JAVA_BYTE.withName("read_state"),
        JAVA_BYTE.withName("write_state"),
        JAVA_BYTE.withName("write_latch"),
        JAVA_BYTE.withName("rw_mode"),
        JAVA_BYTE.withName("mode"),
        JAVA_BYTE.withName("bcd"),
        JAVA_BYTE.withName("gate"),
        JAVA_LONG.withName("count_load_time")).withName("kvm_pit_channel_state");

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
