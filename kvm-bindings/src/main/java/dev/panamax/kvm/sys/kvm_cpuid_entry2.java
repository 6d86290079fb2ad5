package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_cpuid_entry2} from {@code <asm/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers).
 */
@SuppressWarnings("unused")
public final class kvm_cpuid_entry2 {
    private kvm_cpuid_entry2() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("function"),
        JAVA_INT.withName("index"),
        JAVA_INT.withName("flags"),
        JAVA_INT.withName("eax"),
        JAVA_INT.withName("ebx"),
        JAVA_INT.withName("ecx"),
        JAVA_INT.withName("edx"),
        MemoryLayout.sequenceLayout(3, JAVA_INT).withName("padding")).withName("kvm_cpuid_entry2");

    private static final VarHandle function$VH = LAYOUT.varHandle(groupElement("function"));
    /** Byte offset of {@code function}. */
    public static final long function$OFFSET = LAYOUT.byteOffset(groupElement("function"));
    /** Reads {@code function}. */
    public static int function(MemorySegment struct) {
        return (int) function$VH.get(struct, 0L);
    }
    /** Writes {@code function}. */
    public static void function(MemorySegment struct, int value) {
        function$VH.set(struct, 0L, value);
    }

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

    private static final VarHandle eax$VH = LAYOUT.varHandle(groupElement("eax"));
    /** Byte offset of {@code eax}. */
    public static final long eax$OFFSET = LAYOUT.byteOffset(groupElement("eax"));
    /** Reads {@code eax}. */
    public static int eax(MemorySegment struct) {
        return (int) eax$VH.get(struct, 0L);
    }
    /** Writes {@code eax}. */
    public static void eax(MemorySegment struct, int value) {
        eax$VH.set(struct, 0L, value);
    }

    private static final VarHandle ebx$VH = LAYOUT.varHandle(groupElement("ebx"));
    /** Byte offset of {@code ebx}. */
    public static final long ebx$OFFSET = LAYOUT.byteOffset(groupElement("ebx"));
    /** Reads {@code ebx}. */
    public static int ebx(MemorySegment struct) {
        return (int) ebx$VH.get(struct, 0L);
    }
    /** Writes {@code ebx}. */
    public static void ebx(MemorySegment struct, int value) {
        ebx$VH.set(struct, 0L, value);
    }

    private static final VarHandle ecx$VH = LAYOUT.varHandle(groupElement("ecx"));
    /** Byte offset of {@code ecx}. */
    public static final long ecx$OFFSET = LAYOUT.byteOffset(groupElement("ecx"));
    /** Reads {@code ecx}. */
    public static int ecx(MemorySegment struct) {
        return (int) ecx$VH.get(struct, 0L);
    }
    /** Writes {@code ecx}. */
    public static void ecx(MemorySegment struct, int value) {
        ecx$VH.set(struct, 0L, value);
    }

    private static final VarHandle edx$VH = LAYOUT.varHandle(groupElement("edx"));
    /** Byte offset of {@code edx}. */
    public static final long edx$OFFSET = LAYOUT.byteOffset(groupElement("edx"));
    /** Reads {@code edx}. */
    public static int edx(MemorySegment struct) {
        return (int) edx$VH.get(struct, 0L);
    }
    /** Writes {@code edx}. */
    public static void edx(MemorySegment struct, int value) {
        edx$VH.set(struct, 0L, value);
    }

    /** Byte offset of {@code padding}. */
    public static final long padding$OFFSET = LAYOUT.byteOffset(groupElement("padding"));
    /** Slice of {@code padding}. */
    public static MemorySegment padding(MemorySegment struct) {
        return struct.asSlice(padding$OFFSET, LAYOUT.select(groupElement("padding")).byteSize());
    }

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
