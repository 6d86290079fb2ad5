package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_segment} from {@code <asm/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers).
 */
@SuppressWarnings("unused")
public final class kvm_segment {
    private kvm_segment() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_LONG.withName("base"),
        JAVA_INT.withName("limit"),
        JAVA_SHORT.withName("selector"),
        JAVA_BYTE.withName("type"),
        JAVA_BYTE.withName("present"),
        JAVA_BYTE.withName("dpl"),
        JAVA_BYTE.withName("db"),
        JAVA_BYTE.withName("s"),
        JAVA_BYTE.withName("l"),
        JAVA_BYTE.withName("g"),
        JAVA_BYTE.withName("avl"),
        JAVA_BYTE.withName("unusable"),
        JAVA_BYTE.withName("padding")).withName("kvm_segment");

    private static final VarHandle base$VH = LAYOUT.varHandle(groupElement("base"));
    /** Byte offset of {@code base}. */
    public static final long base$OFFSET = LAYOUT.byteOffset(groupElement("base"));
    /** Reads {@code base}. */
    public static long base(MemorySegment struct) {
        return (long) base$VH.get(struct, 0L);
    }
    /** Writes {@code base}. */
    public static void base(MemorySegment struct, long value) {
        base$VH.set(struct, 0L, value);
    }

    private static final VarHandle limit$VH = LAYOUT.varHandle(groupElement("limit"));
    /** Byte offset of {@code limit}. */
    public static final long limit$OFFSET = LAYOUT.byteOffset(groupElement("limit"));
    /** Reads {@code limit}. */
    public static int limit(MemorySegment struct) {
        return (int) limit$VH.get(struct, 0L);
    }
    /** Writes {@code limit}. */
    public static void limit(MemorySegment struct, int value) {
        limit$VH.set(struct, 0L, value);
    }

    private static final VarHandle selector$VH = LAYOUT.varHandle(groupElement("selector"));
    /** Byte offset of {@code selector}. */
    public static final long selector$OFFSET = LAYOUT.byteOffset(groupElement("selector"));
    /** Reads {@code selector}. */
    public static short selector(MemorySegment struct) {
        return (short) selector$VH.get(struct, 0L);
    }
    /** Writes {@code selector}. */
    public static void selector(MemorySegment struct, short value) {
        selector$VH.set(struct, 0L, value);
    }

    private static final VarHandle type$VH = LAYOUT.varHandle(groupElement("type"));
    /** Byte offset of {@code type}. */
    public static final long type$OFFSET = LAYOUT.byteOffset(groupElement("type"));
    /** Reads {@code type}. */
    public static byte type(MemorySegment struct) {
        return (byte) type$VH.get(struct, 0L);
    }
    /** Writes {@code type}. */
    public static void type(MemorySegment struct, byte value) {
        type$VH.set(struct, 0L, value);
    }

    private static final VarHandle present$VH = LAYOUT.varHandle(groupElement("present"));
    /** Byte offset of {@code present}. */
    public static final long present$OFFSET = LAYOUT.byteOffset(groupElement("present"));
    /** Reads {@code present}. */
    public static byte present(MemorySegment struct) {
        return (byte) present$VH.get(struct, 0L);
    }
    /** Writes {@code present}. */
    public static void present(MemorySegment struct, byte value) {
        present$VH.set(struct, 0L, value);
    }

    private static final VarHandle dpl$VH = LAYOUT.varHandle(groupElement("dpl"));
    /** Byte offset of {@code dpl}. */
    public static final long dpl$OFFSET = LAYOUT.byteOffset(groupElement("dpl"));
    /** Reads {@code dpl}. */
    public static byte dpl(MemorySegment struct) {
        return (byte) dpl$VH.get(struct, 0L);
    }
    /** Writes {@code dpl}. */
    public static void dpl(MemorySegment struct, byte value) {
        dpl$VH.set(struct, 0L, value);
    }

    private static final VarHandle db$VH = LAYOUT.varHandle(groupElement("db"));
    /** Byte offset of {@code db}. */
    public static final long db$OFFSET = LAYOUT.byteOffset(groupElement("db"));
    /** Reads {@code db}. */
    public static byte db(MemorySegment struct) {
        return (byte) db$VH.get(struct, 0L);
    }
    /** Writes {@code db}. */
    public static void db(MemorySegment struct, byte value) {
        db$VH.set(struct, 0L, value);
    }

    private static final VarHandle s$VH = LAYOUT.varHandle(groupElement("s"));
    /** Byte offset of {@code s}. */
    public static final long s$OFFSET = LAYOUT.byteOffset(groupElement("s"));
    /** Reads {@code s}. */
    public static byte s(MemorySegment struct) {
        return (byte) s$VH.get(struct, 0L);
    }
    /** Writes {@code s}. */
    public static void s(MemorySegment struct, byte value) {
        s$VH.set(struct, 0L, value);
    }

    private static final VarHandle l$VH = LAYOUT.varHandle(groupElement("l"));
    /** Byte offset of {@code l}. */
    public static final long l$OFFSET = LAYOUT.byteOffset(groupElement("l"));
    /** Reads {@code l}. */
    public static byte l(MemorySegment struct) {
        return (byte) l$VH.get(struct, 0L);
    }
    /** Writes {@code l}. */
    public static void l(MemorySegment struct, byte value) {
        l$VH.set(struct, 0L, value);
    }

    private static final VarHandle g$VH = LAYOUT.varHandle(groupElement("g"));
    /** Byte offset of {@code g}. */
    public static final long g$OFFSET = LAYOUT.byteOffset(groupElement("g"));
    /** Reads {@code g}. */
    public static byte g(MemorySegment struct) {
        return (byte) g$VH.get(struct, 0L);
    }
    /** Writes {@code g}. */
    public static void g(MemorySegment struct, byte value) {
        g$VH.set(struct, 0L, value);
    }

    private static final VarHandle avl$VH = LAYOUT.varHandle(groupElement("avl"));
    /** Byte offset of {@code avl}. */
    public static final long avl$OFFSET = LAYOUT.byteOffset(groupElement("avl"));
    /** Reads {@code avl}. */
    public static byte avl(MemorySegment struct) {
        return (byte) avl$VH.get(struct, 0L);
    }
    /** Writes {@code avl}. */
    public static void avl(MemorySegment struct, byte value) {
        avl$VH.set(struct, 0L, value);
    }

    private static final VarHandle unusable$VH = LAYOUT.varHandle(groupElement("unusable"));
    /** Byte offset of {@code unusable}. */
    public static final long unusable$OFFSET = LAYOUT.byteOffset(groupElement("unusable"));
    /** Reads {@code unusable}. */
    public static byte unusable(MemorySegment struct) {
        return (byte) unusable$VH.get(struct, 0L);
    }
    /** Writes {@code unusable}. */
    public static void unusable(MemorySegment struct, byte value) {
        unusable$VH.set(struct, 0L, value);
    }

    private static final VarHandle padding$VH = LAYOUT.varHandle(groupElement("padding"));
    /** Byte offset of {@code padding}. */
    public static final long padding$OFFSET = LAYOUT.byteOffset(groupElement("padding"));
    /** Reads {@code padding}. */
    public static byte padding(MemorySegment struct) {
        return (byte) padding$VH.get(struct, 0L);
    }
    /** Writes {@code padding}. */
    public static void padding(MemorySegment struct, byte value) {
        padding$VH.set(struct, 0L, value);
    }

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
