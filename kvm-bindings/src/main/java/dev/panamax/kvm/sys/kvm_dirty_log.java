package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_dirty_log} from {@code <linux/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers).
 */
@SuppressWarnings("unused")
public final class kvm_dirty_log {
    private kvm_dirty_log() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("slot"),
        JAVA_INT.withName("padding1"),
        MemoryLayout.unionLayout(
            ADDRESS.withName("dirty_bitmap"),
            JAVA_LONG.withName("padding2")).withName("$anon0")).withName("kvm_dirty_log");

    private static final VarHandle slot$VH = LAYOUT.varHandle(groupElement("slot"));
    /** Byte offset of {@code slot}. */
    public static final long slot$OFFSET = LAYOUT.byteOffset(groupElement("slot"));
    /** Reads {@code slot}. */
    public static int slot(MemorySegment struct) {
        return (int) slot$VH.get(struct, 0L);
    }
    /** Writes {@code slot}. */
    public static void slot(MemorySegment struct, int value) {
        slot$VH.set(struct, 0L, value);
    }

    private static final VarHandle padding1$VH = LAYOUT.varHandle(groupElement("padding1"));
    /** Byte offset of {@code padding1}. */
    public static final long padding1$OFFSET = LAYOUT.byteOffset(groupElement("padding1"));
    /** Reads {@code padding1}. */
    public static int padding1(MemorySegment struct) {
        return (int) padding1$VH.get(struct, 0L);
    }
    /** Writes {@code padding1}. */
    public static void padding1(MemorySegment struct, int value) {
        padding1$VH.set(struct, 0L, value);
    }

    private static final VarHandle dirty_bitmap$VH = LAYOUT.varHandle(groupElement("$anon0"), groupElement("dirty_bitmap"));
    /** Byte offset of {@code dirty_bitmap}. */
    public static final long dirty_bitmap$OFFSET = LAYOUT.byteOffset(groupElement("$anon0"), groupElement("dirty_bitmap"));
    /** Reads {@code dirty_bitmap}. */
    public static MemorySegment dirty_bitmap(MemorySegment struct) {
        return (MemorySegment) dirty_bitmap$VH.get(struct, 0L);
    }
    /** Writes {@code dirty_bitmap}. */
    public static void dirty_bitmap(MemorySegment struct, MemorySegment value) {
        dirty_bitmap$VH.set(struct, 0L, value);
    }

    private static final VarHandle padding2$VH = LAYOUT.varHandle(groupElement("$anon0"), groupElement("padding2"));
    /** Byte offset of {@code padding2}. */
    public static final long padding2$OFFSET = LAYOUT.byteOffset(groupElement("$anon0"), groupElement("padding2"));
    /** Reads {@code padding2}. */
    public static long padding2(MemorySegment struct) {
        return (long) padding2$VH.get(struct, 0L);
    }
    /** Writes {@code padding2}. */
    public static void padding2(MemorySegment struct, long value) {
        padding2$VH.set(struct, 0L, value);
    }

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
