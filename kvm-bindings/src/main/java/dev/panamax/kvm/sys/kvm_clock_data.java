package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_clock_data} from {@code <linux/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers).
 */
@SuppressWarnings("unused")
public final class kvm_clock_data {
    private kvm_clock_data() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_LONG.withName("clock"),
        JAVA_INT.withName("flags"),
        JAVA_INT.withName("pad0"),
        JAVA_LONG.withName("realtime"),
        JAVA_LONG.withName("host_tsc"),
        MemoryLayout.sequenceLayout(4, JAVA_INT).withName("pad")).withName("kvm_clock_data");

    private static final VarHandle clock$VH = LAYOUT.varHandle(groupElement("clock"));
    /** Byte offset of {@code clock}. */
    public static final long clock$OFFSET = LAYOUT.byteOffset(groupElement("clock"));
    /** Reads {@code clock}. */
    public static long clock(MemorySegment struct) {
        return (long) clock$VH.get(struct, 0L);
    }
    /** Writes {@code clock}. */
    public static void clock(MemorySegment struct, long value) {
        clock$VH.set(struct, 0L, value);
    }

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

    private static final VarHandle pad0$VH = LAYOUT.varHandle(groupElement("pad0"));
    /** Byte offset of {@code pad0}. */
    public static final long pad0$OFFSET = LAYOUT.byteOffset(groupElement("pad0"));
    /** Reads {@code pad0}. */
    public static int pad0(MemorySegment struct) {
        return (int) pad0$VH.get(struct, 0L);
    }
    /** Writes {@code pad0}. */
    public static void pad0(MemorySegment struct, int value) {
        pad0$VH.set(struct, 0L, value);
    }

    private static final VarHandle realtime$VH = LAYOUT.varHandle(groupElement("realtime"));
    /** Byte offset of {@code realtime}. */
    public static final long realtime$OFFSET = LAYOUT.byteOffset(groupElement("realtime"));
    /** Reads {@code realtime}. */
    public static long realtime(MemorySegment struct) {
        return (long) realtime$VH.get(struct, 0L);
    }
    /** Writes {@code realtime}. */
    public static void realtime(MemorySegment struct, long value) {
        realtime$VH.set(struct, 0L, value);
    }

    private static final VarHandle host_tsc$VH = LAYOUT.varHandle(groupElement("host_tsc"));
    /** Byte offset of {@code host_tsc}. */
    public static final long host_tsc$OFFSET = LAYOUT.byteOffset(groupElement("host_tsc"));
    /** Reads {@code host_tsc}. */
    public static long host_tsc(MemorySegment struct) {
        return (long) host_tsc$VH.get(struct, 0L);
    }
    /** Writes {@code host_tsc}. */
    public static void host_tsc(MemorySegment struct, long value) {
        host_tsc$VH.set(struct, 0L, value);
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
