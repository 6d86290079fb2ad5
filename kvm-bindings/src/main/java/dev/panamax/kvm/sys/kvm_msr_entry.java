package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_msr_entry} from {@code <asm/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers).
 */
@SuppressWarnings("unused")
public final class kvm_msr_entry {
    private kvm_msr_entry() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("index"),
        JAVA_INT.withName("reserved"),
        JAVA_LONG.withName("data")).withName("kvm_msr_entry");

    private static final VarHandle index$VH = LAYOUT.varHandle(groupElement("index"));
    /** Byte offset of {@code index}. */
    public static final long index$OFFSET = LAYOUT.byteOffset(groupElement("index"));
    /** Reads {@code index}. */
    public static int index(MemorySegment struct) {
        return (int) index$VH.get(struct, 0L);
    }
    /** Writes {@code index}. */
    public static void index(MemorySegment struct, int value) {
        index$VH.set(struct, 0L, value);
    }

    private static final VarHandle reserved$VH = LAYOUT.varHandle(groupElement("reserved"));
    /** Byte offset of {@code reserved}. */
    public static final long reserved$OFFSET = LAYOUT.byteOffset(groupElement("reserved"));
    /** Reads {@code reserved}. */
    public static int reserved(MemorySegment struct) {
        return (int) reserved$VH.get(struct, 0L);
    }
    /** Writes {@code reserved}. */
    public static void reserved(MemorySegment struct, int value) {
        reserved$VH.set(struct, 0L, value);
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
