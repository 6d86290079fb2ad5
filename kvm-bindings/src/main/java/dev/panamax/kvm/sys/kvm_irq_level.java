package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_irq_level} from {@code <linux/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers).
 */
@SuppressWarnings("unused")
public final class kvm_irq_level {
    private kvm_irq_level() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        MemoryLayout.unionLayout(
            JAVA_INT.withName("irq"),
            JAVA_INT.withName("status")).withName("$anon0"),
        JAVA_INT.withName("level")).withName("kvm_irq_level");

    private static final VarHandle irq$VH = LAYOUT.varHandle(groupElement("$anon0"), groupElement("irq"));
    /** Byte offset of {@code irq}. */
    public static final long irq$OFFSET = LAYOUT.byteOffset(groupElement("$anon0"), groupElement("irq"));
    /** Reads {@code irq}. */
    public static int irq(MemorySegment struct) {
        return (int) irq$VH.get(struct, 0L);
    }
    /** Writes {@code irq}. */
    public static void irq(MemorySegment struct, int value) {
        irq$VH.set(struct, 0L, value);
    }

    private static final VarHandle status$VH = LAYOUT.varHandle(groupElement("$anon0"), groupElement("status"));
    /** Byte offset of {@code status}. */
    public static final long status$OFFSET = LAYOUT.byteOffset(groupElement("$anon0"), groupElement("status"));
    /** Reads {@code status}. */
    public static int status(MemorySegment struct) {
        return (int) status$VH.get(struct, 0L);
    }
    /** Writes {@code status}. */
    public static void status(MemorySegment struct, int value) {
        status$VH.set(struct, 0L, value);
    }

    private static final VarHandle level$VH = LAYOUT.varHandle(groupElement("level"));
    /** Byte offset of {@code level}. */
    public static final long level$OFFSET = LAYOUT.byteOffset(groupElement("level"));
    /** Reads {@code level}. */
    public static int level(MemorySegment struct) {
        return (int) level$VH.get(struct, 0L);
    }
    /** Writes {@code level}. */
    public static void level(MemorySegment struct, int value) {
        level$VH.set(struct, 0L, value);
    }

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
