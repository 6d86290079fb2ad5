package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_fpu} from {@code <asm/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers).
 */
@SuppressWarnings("unused")
public final class kvm_fpu {
    private kvm_fpu() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        MemoryLayout.sequenceLayout(8, MemoryLayout.sequenceLayout(16, JAVA_BYTE)).withName("fpr"),
        JAVA_SHORT.withName("fcw"),
        JAVA_SHORT.withName("fsw"),
        JAVA_BYTE.withName("ftwx"),
        JAVA_BYTE.withName("pad1"),
        JAVA_SHORT.withName("last_opcode"),
        JAVA_LONG.withName("last_ip"),
        JAVA_LONG.withName("last_dp"),
        MemoryLayout.sequenceLayout(16, MemoryLayout.sequenceLayout(16, JAVA_BYTE)).withName("xmm"),
        JAVA_INT.withName("mxcsr"),
        JAVA_INT.withName("pad2")).withName("kvm_fpu");

    /** Byte offset of {@code fpr}. */
    public static final long fpr$OFFSET = LAYOUT.byteOffset(groupElement("fpr"));
    /** Slice of {@code fpr}. */
    public static MemorySegment fpr(MemorySegment struct) {
        return struct.asSlice(fpr$OFFSET, LAYOUT.select(groupElement("fpr")).byteSize());
    }

    private static final VarHandle fcw$VH = LAYOUT.varHandle(groupElement("fcw"));
    /** Byte offset of {@code fcw}. */
    public static final long fcw$OFFSET = LAYOUT.byteOffset(groupElement("fcw"));
    /** Reads {@code fcw}. */
    public static short fcw(MemorySegment struct) {
        return (short) fcw$VH.get(struct, 0L);
    }
    /** Writes {@code fcw}. */
    public static void fcw(MemorySegment struct, short value) {
        fcw$VH.set(struct, 0L, value);
    }

    private static final VarHandle fsw$VH = LAYOUT.varHandle(groupElement("fsw"));
    /** Byte offset of {@code fsw}. */
    public static final long fsw$OFFSET = LAYOUT.byteOffset(groupElement("fsw"));
    /** Reads {@code fsw}. */
    public static short fsw(MemorySegment struct) {
        return (short) fsw$VH.get(struct, 0L);
    }
    /** Writes {@code fsw}. */
    public static void fsw(MemorySegment struct, short value) {
        fsw$VH.set(struct, 0L, value);
    }

    private static final VarHandle ftwx$VH = LAYOUT.varHandle(groupElement("ftwx"));
    /** Byte offset of {@code ftwx}. */
    public static final long ftwx$OFFSET = LAYOUT.byteOffset(groupElement("ftwx"));
    /** Reads {@code ftwx}. */
    public static byte ftwx(MemorySegment struct) {
        return (byte) ftwx$VH.get(struct, 0L);
    }
    /** Writes {@code ftwx}. */
    public static void ftwx(MemorySegment struct, byte value) {
        ftwx$VH.set(struct, 0L, value);
    }

    private static final VarHandle pad1$VH = LAYOUT.varHandle(groupElement("pad1"));
    /** Byte offset of {@code pad1}. */
    public static final long pad1$OFFSET = LAYOUT.byteOffset(groupElement("pad1"));
    /** Reads {@code pad1}. */
    public static byte pad1(MemorySegment struct) {
        return (byte) pad1$VH.get(struct, 0L);
    }
    /** Writes {@code pad1}. */
    public static void pad1(MemorySegment struct, byte value) {
        pad1$VH.set(struct, 0L, value);
    }

    private static final VarHandle last_opcode$VH = LAYOUT.varHandle(groupElement("last_opcode"));
    /** Byte offset of {@code last_opcode}. */
    public static final long last_opcode$OFFSET = LAYOUT.byteOffset(groupElement("last_opcode"));
    /** Reads {@code last_opcode}. */
    public static short last_opcode(MemorySegment struct) {
        return (short) last_opcode$VH.get(struct, 0L);
    }
    /** Writes {@code last_opcode}. */
    public static void last_opcode(MemorySegment struct, short value) {
        last_opcode$VH.set(struct, 0L, value);
    }

    private static final VarHandle last_ip$VH = LAYOUT.varHandle(groupElement("last_ip"));
    /** Byte offset of {@code last_ip}. */
    public static final long last_ip$OFFSET = LAYOUT.byteOffset(groupElement("last_ip"));
    /** Reads {@code last_ip}. */
    public static long last_ip(MemorySegment struct) {
        return (long) last_ip$VH.get(struct, 0L);
    }
    /** Writes {@code last_ip}. */
    public static void last_ip(MemorySegment struct, long value) {
        last_ip$VH.set(struct, 0L, value);
    }

    private static final VarHandle last_dp$VH = LAYOUT.varHandle(groupElement("last_dp"));
    /** Byte offset of {@code last_dp}. */
    public static final long last_dp$OFFSET = LAYOUT.byteOffset(groupElement("last_dp"));
    /** Reads {@code last_dp}. */
    public static long last_dp(MemorySegment struct) {
        return (long) last_dp$VH.get(struct, 0L);
    }
    /** Writes {@code last_dp}. */
    public static void last_dp(MemorySegment struct, long value) {
        last_dp$VH.set(struct, 0L, value);
    }

    /** Byte offset of {@code xmm}. */
    public static final long xmm$OFFSET = LAYOUT.byteOffset(groupElement("xmm"));
    /** Slice of {@code xmm}. */
    public static MemorySegment xmm(MemorySegment struct) {
        return struct.asSlice(xmm$OFFSET, LAYOUT.select(groupElement("xmm")).byteSize());
    }

    private static final VarHandle mxcsr$VH = LAYOUT.varHandle(groupElement("mxcsr"));
    /** Byte offset of {@code mxcsr}. */
    public static final long mxcsr$OFFSET = LAYOUT.byteOffset(groupElement("mxcsr"));
    /** Reads {@code mxcsr}. */
    public static int mxcsr(MemorySegment struct) {
        return (int) mxcsr$VH.get(struct, 0L);
    }
    /** Writes {@code mxcsr}. */
    public static void mxcsr(MemorySegment struct, int value) {
        mxcsr$VH.set(struct, 0L, value);
    }

    private static final VarHandle pad2$VH = LAYOUT.varHandle(groupElement("pad2"));
    /** Byte offset of {@code pad2}. */
    public static final long pad2$OFFSET = LAYOUT.byteOffset(groupElement("pad2"));
    /** Reads {@code pad2}. */
    public static int pad2(MemorySegment struct) {
        return (int) pad2$VH.get(struct, 0L);
    }
    /** Writes {@code pad2}. */
    public static void pad2(MemorySegment struct, int value) {
        pad2$VH.set(struct, 0L, value);
    }

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
