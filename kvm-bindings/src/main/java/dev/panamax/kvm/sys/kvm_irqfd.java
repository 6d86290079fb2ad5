package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_irqfd} from {@code <linux/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers).
 */
@SuppressWarnings("unused")
public final class kvm_irqfd {
    private kvm_irqfd() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("fd"),
        JAVA_INT.withName("gsi"),
        JAVA_INT.withName("flags"),
        JAVA_INT.withName("resamplefd"),
        MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("pad")).withName("kvm_irqfd");

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

    private static final VarHandle gsi$VH = LAYOUT.varHandle(groupElement("gsi"));
    /** Byte offset of {@code gsi}. */
    public static final long gsi$OFFSET = LAYOUT.byteOffset(groupElement("gsi"));
    /** Reads {@code gsi}. */
    public static int gsi(MemorySegment struct) {
        return (int) gsi$VH.get(struct, 0L);
    }
    /** Writes {@code gsi}. */
    public static void gsi(MemorySegment struct, int value) {
        gsi$VH.set(struct, 0L, value);
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

    private static final VarHandle resamplefd$VH = LAYOUT.varHandle(groupElement("resamplefd"));
    /** Byte offset of {@code resamplefd}. */
    public static final long resamplefd$OFFSET = LAYOUT.byteOffset(groupElement("resamplefd"));
    /** Reads {@code resamplefd}. */
    public static int resamplefd(MemorySegment struct) {
        return (int) resamplefd$VH.get(struct, 0L);
    }
    /** Writes {@code resamplefd}. */
    public static void resamplefd(MemorySegment struct, int value) {
        resamplefd$VH.set(struct, 0L, value);
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
