package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_ioeventfd} from {@code <linux/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers).
 */
@SuppressWarnings("unused")
public final class kvm_ioeventfd {
    private kvm_ioeventfd() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_LONG.withName("datamatch"),
        JAVA_LONG.withName("addr"),
        JAVA_INT.withName("len"),
        JAVA_INT.withName("fd"),
        JAVA_INT.withName("flags"),
        MemoryLayout.sequenceLayout(36, JAVA_BYTE).withName("pad")).withName("kvm_ioeventfd");

    private static final VarHandle datamatch$VH = LAYOUT.varHandle(groupElement("datamatch"));
    /** Byte offset of {@code datamatch}. */
    public static final long datamatch$OFFSET = LAYOUT.byteOffset(groupElement("datamatch"));
    /** Reads {@code datamatch}. */
    public static long datamatch(MemorySegment struct) {
        return (long) datamatch$VH.get(struct, 0L);
    }
    /** Writes {@code datamatch}. */
    public static void datamatch(MemorySegment struct, long value) {
        datamatch$VH.set(struct, 0L, value);
    }

    private static final VarHandle addr$VH = LAYOUT.varHandle(groupElement("addr"));
    /** Byte offset of {@code addr}. */
    public static final long addr$OFFSET = LAYOUT.byteOffset(groupElement("addr"));
    /** Reads {@code addr}. */
    public static long addr(MemorySegment struct) {
        return (long) addr$VH.get(struct, 0L);
    }
    /** Writes {@code addr}. */
    public static void addr(MemorySegment struct, long value) {
        addr$VH.set(struct, 0L, value);
    }

    private static final VarHandle len$VH = LAYOUT.varHandle(groupElement("len"));
    /** Byte offset of {@code len}. */
    public static final long len$OFFSET = LAYOUT.byteOffset(groupElement("len"));
    /** Reads {@code len}. */
    public static int len(MemorySegment struct) {
        return (int) len$VH.get(struct, 0L);
    }
    /** Writes {@code len}. */
    public static void len(MemorySegment struct, int value) {
        len$VH.set(struct, 0L, value);
    }

    private static final VarHandle fd$VH = LAYOUT.varHandle(groupElement("fd"));
    /** Byte offset of {@code fd}. */
    public static final long fd$OFFSET = LAYOUT.byteOffset(groupElement("fd"));
    /** Reads {@code fd}. */
    public static int fd(MemorySegment struct) {
        return (int) fd$VH.get(struct, 0L);
    }
    /** Writes {@code fd}. */
    public static void fd(MemorySegment struct, int value) {
        fd$VH.set(struct, 0L, value);
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
