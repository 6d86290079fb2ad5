package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_userspace_memory_region} from {@code <linux/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers).
 */
@SuppressWarnings("unused")
public final class kvm_userspace_memory_region {
    private kvm_userspace_memory_region() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("slot"),
        JAVA_INT.withName("flags"),
        JAVA_LONG.withName("guest_phys_addr"),
        JAVA_LONG.withName("memory_size"),
        JAVA_LONG.withName("userspace_addr")).withName("kvm_userspace_memory_region");

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

    private static final VarHandle guest_phys_addr$VH = LAYOUT.varHandle(groupElement("guest_phys_addr"));
    /** Byte offset of {@code guest_phys_addr}. */
    public static final long guest_phys_addr$OFFSET = LAYOUT.byteOffset(groupElement("guest_phys_addr"));
    /** Reads {@code guest_phys_addr}. */
    public static long guest_phys_addr(MemorySegment struct) {
        return (long) guest_phys_addr$VH.get(struct, 0L);
    }
    /** Writes {@code guest_phys_addr}. */
    public static void guest_phys_addr(MemorySegment struct, long value) {
        guest_phys_addr$VH.set(struct, 0L, value);
    }

    private static final VarHandle memory_size$VH = LAYOUT.varHandle(groupElement("memory_size"));
    /** Byte offset of {@code memory_size}. */
    public static final long memory_size$OFFSET = LAYOUT.byteOffset(groupElement("memory_size"));
    /** Reads {@code memory_size}. */
    public static long memory_size(MemorySegment struct) {
        return (long) memory_size$VH.get(struct, 0L);
    }
    /** Writes {@code memory_size}. */
    public static void memory_size(MemorySegment struct, long value) {
        memory_size$VH.set(struct, 0L, value);
    }

    private static final VarHandle userspace_addr$VH = LAYOUT.varHandle(groupElement("userspace_addr"));
    /** Byte offset of {@code userspace_addr}. */
    public static final long userspace_addr$OFFSET = LAYOUT.byteOffset(groupElement("userspace_addr"));
    /** Reads {@code userspace_addr}. */
    public static long userspace_addr(MemorySegment struct) {
        return (long) userspace_addr$VH.get(struct, 0L);
    }
    /** Writes {@code userspace_addr}. */
    public static void userspace_addr(MemorySegment struct, long value) {
        userspace_addr$VH.set(struct, 0L, value);
    }

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
