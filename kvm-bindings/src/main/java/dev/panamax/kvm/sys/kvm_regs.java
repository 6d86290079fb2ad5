package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_regs} from {@code <asm/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers).
 */
@SuppressWarnings("unused")
public final class kvm_regs {
    private kvm_regs() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_LONG.withName("rax"),
        JAVA_LONG.withName("rbx"),
        JAVA_LONG.withName("rcx"),
        JAVA_LONG.withName("rdx"),
        JAVA_LONG.withName("rsi"),
        JAVA_LONG.withName("rdi"),
        JAVA_LONG.withName("rsp"),
        JAVA_LONG.withName("rbp"),
        JAVA_LONG.withName("r8"),
        JAVA_LONG.withName("r9"),
        JAVA_LONG.withName("r10"),
        JAVA_LONG.withName("r11"),
        JAVA_LONG.withName("r12"),
        JAVA_LONG.withName("r13"),
        JAVA_LONG.withName("r14"),
        JAVA_LONG.withName("r15"),
        JAVA_LONG.withName("rip"),
        JAVA_LONG.withName("rflags")).withName("kvm_regs");

    private static final VarHandle rax$VH = LAYOUT.varHandle(groupElement("rax"));
    /** Byte offset of {@code rax}. */
    public static final long rax$OFFSET = LAYOUT.byteOffset(groupElement("rax"));
    /** Reads {@code rax}. */
    public static long rax(MemorySegment struct) {
        return (long) rax$VH.get(struct, 0L);
    }
    /** Writes {@code rax}. */
    public static void rax(MemorySegment struct, long value) {
        rax$VH.set(struct, 0L, value);
    }

    private static final VarHandle rbx$VH = LAYOUT.varHandle(groupElement("rbx"));
    /** Byte offset of {@code rbx}. */
    public static final long rbx$OFFSET = LAYOUT.byteOffset(groupElement("rbx"));
    /** Reads {@code rbx}. */
    public static long rbx(MemorySegment struct) {
        return (long) rbx$VH.get(struct, 0L);
    }
    /** Writes {@code rbx}. */
    public static void rbx(MemorySegment struct, long value) {
        rbx$VH.set(struct, 0L, value);
    }

    private static final VarHandle rcx$VH = LAYOUT.varHandle(groupElement("rcx"));
    /** Byte offset of {@code rcx}. */
    public static final long rcx$OFFSET = LAYOUT.byteOffset(groupElement("rcx"));
    /** Reads {@code rcx}. */
    public static long rcx(MemorySegment struct) {
        return (long) rcx$VH.get(struct, 0L);
    }
    /** Writes {@code rcx}. */
    public static void rcx(MemorySegment struct, long value) {
        rcx$VH.set(struct, 0L, value);
    }

    private static final VarHandle rdx$VH = LAYOUT.varHandle(groupElement("rdx"));
    /** Byte offset of {@code rdx}. */
    public static final long rdx$OFFSET = LAYOUT.byteOffset(groupElement("rdx"));
    /** Reads {@code rdx}. */
    public static long rdx(MemorySegment struct) {
        return (long) rdx$VH.get(struct, 0L);
    }
    /** Writes {@code rdx}. */
    public static void rdx(MemorySegment struct, long value) {
        rdx$VH.set(struct, 0L, value);
    }

    private static final VarHandle rsi$VH = LAYOUT.varHandle(groupElement("rsi"));
    /** Byte offset of {@code rsi}. */
    public static final long rsi$OFFSET = LAYOUT.byteOffset(groupElement("rsi"));
    /** Reads {@code rsi}. */
    public static long rsi(MemorySegment struct) {
        return (long) rsi$VH.get(struct, 0L);
    }
    /** Writes {@code rsi}. */
    public static void rsi(MemorySegment struct, long value) {
        rsi$VH.set(struct, 0L, value);
    }

    private static final VarHandle rdi$VH = LAYOUT.varHandle(groupElement("rdi"));
    /** Byte offset of {@code rdi}. */
    public static final long rdi$OFFSET = LAYOUT.byteOffset(groupElement("rdi"));
    /** Reads {@code rdi}. */
    public static long rdi(MemorySegment struct) {
        return (long) rdi$VH.get(struct, 0L);
    }
    /** Writes {@code rdi}. */
    public static void rdi(MemorySegment struct, long value) {
        rdi$VH.set(struct, 0L, value);
    }

    private static final VarHandle rsp$VH = LAYOUT.varHandle(groupElement("rsp"));
    /** Byte offset of {@code rsp}. */
    public static final long rsp$OFFSET = LAYOUT.byteOffset(groupElement("rsp"));
    /** Reads {@code rsp}. */
    public static long rsp(MemorySegment struct) {
        return (long) rsp$VH.get(struct, 0L);
    }
    /** Writes {@code rsp}. */
    public static void rsp(MemorySegment struct, long value) {
        rsp$VH.set(struct, 0L, value);
    }

    private static final VarHandle rbp$VH = LAYOUT.varHandle(groupElement("rbp"));
    /** Byte offset of {@code rbp}. */
    public static final long rbp$OFFSET = LAYOUT.byteOffset(groupElement("rbp"));
    /** Reads {@code rbp}. */
    public static long rbp(MemorySegment struct) {
        return (long) rbp$VH.get(struct, 0L);
    }
    /** Writes {@code rbp}. */
    public static void rbp(MemorySegment struct, long value) {
        rbp$VH.set(struct, 0L, value);
    }

    private static final VarHandle r8$VH = LAYOUT.varHandle(groupElement("r8"));
    /** Byte offset of {@code r8}. */
    public static final long r8$OFFSET = LAYOUT.byteOffset(groupElement("r8"));
    /** Reads {@code r8}. */
    public static long r8(MemorySegment struct) {
        return (long) r8$VH.get(struct, 0L);
    }
    /** Writes {@code r8}. */
    public static void r8(MemorySegment struct, long value) {
        r8$VH.set(struct, 0L, value);
    }

    private static final VarHandle r9$VH = LAYOUT.varHandle(groupElement("r9"));
    /** Byte offset of {@code r9}. */
    public static final long r9$OFFSET = LAYOUT.byteOffset(groupElement("r9"));
    /** Reads {@code r9}. */
    public static long r9(MemorySegment struct) {
        return (long) r9$VH.get(struct, 0L);
    }
    /** Writes {@code r9}. */
    public static void r9(MemorySegment struct, long value) {
        r9$VH.set(struct, 0L, value);
    }

    private static final VarHandle r10$VH = LAYOUT.varHandle(groupElement("r10"));
    /** Byte offset of {@code r10}. */
    public static final long r10$OFFSET = LAYOUT.byteOffset(groupElement("r10"));
    /** Reads {@code r10}. */
    public static long r10(MemorySegment struct) {
        return (long) r10$VH.get(struct, 0L);
    }
    /** Writes {@code r10}. */
    public static void r10(MemorySegment struct, long value) {
        r10$VH.set(struct, 0L, value);
    }

    private static final VarHandle r11$VH = LAYOUT.varHandle(groupElement("r11"));
    /** Byte offset of {@code r11}. */
    public static final long r11$OFFSET = LAYOUT.byteOffset(groupElement("r11"));
    /** Reads {@code r11}. */
    public static long r11(MemorySegment struct) {
        return (long) r11$VH.get(struct, 0L);
    }
    /** Writes {@code r11}. */
    public static void r11(MemorySegment struct, long value) {
        r11$VH.set(struct, 0L, value);
    }

    private static final VarHandle r12$VH = LAYOUT.varHandle(groupElement("r12"));
    /** Byte offset of {@code r12}. */
    public static final long r12$OFFSET = LAYOUT.byteOffset(groupElement("r12"));
    /** Reads {@code r12}. */
    public static long r12(MemorySegment struct) {
        return (long) r12$VH.get(struct, 0L);
    }
    /** Writes {@code r12}. */
    public static void r12(MemorySegment struct, long value) {
        r12$VH.set(struct, 0L, value);
    }

    private static final VarHandle r13$VH = LAYOUT.varHandle(groupElement("r13"));
    /** Byte offset of {@code r13}. */
    public static final long r13$OFFSET = LAYOUT.byteOffset(groupElement("r13"));
    /** Reads {@code r13}. */
    public static long r13(MemorySegment struct) {
        return (long) r13$VH.get(struct, 0L);
    }
    /** Writes {@code r13}. */
    public static void r13(MemorySegment struct, long value) {
        r13$VH.set(struct, 0L, value);
    }

    private static final VarHandle r14$VH = LAYOUT.varHandle(groupElement("r14"));
    /** Byte offset of {@code r14}. */
    public static final long r14$OFFSET = LAYOUT.byteOffset(groupElement("r14"));
    /** Reads {@code r14}. */
    public static long r14(MemorySegment struct) {
        return (long) r14$VH.get(struct, 0L);
    }
    /** Writes {@code r14}. */
    public static void r14(MemorySegment struct, long value) {
        r14$VH.set(struct, 0L, value);
    }

    private static final VarHandle r15$VH = LAYOUT.varHandle(groupElement("r15"));
    /** Byte offset of {@code r15}. */
    public static final long r15$OFFSET = LAYOUT.byteOffset(groupElement("r15"));
    /** Reads {@code r15}. */
    public static long r15(MemorySegment struct) {
        return (long) r15$VH.get(struct, 0L);
    }
    /** Writes {@code r15}. */
    public static void r15(MemorySegment struct, long value) {
        r15$VH.set(struct, 0L, value);
    }

    private static final VarHandle rip$VH = LAYOUT.varHandle(groupElement("rip"));
    /** Byte offset of {@code rip}. */
    public static final long rip$OFFSET = LAYOUT.byteOffset(groupElement("rip"));
    /** Reads {@code rip}. */
    public static long rip(MemorySegment struct) {
        return (long) rip$VH.get(struct, 0L);
    }
    /** Writes {@code rip}. */
    public static void rip(MemorySegment struct, long value) {
        rip$VH.set(struct, 0L, value);
    }

    private static final VarHandle rflags$VH = LAYOUT.varHandle(groupElement("rflags"));
    /** Byte offset of {@code rflags}. */
    public static final long rflags$OFFSET = LAYOUT.byteOffset(groupElement("rflags"));
    /** Reads {@code rflags}. */
    public static long rflags(MemorySegment struct) {
        return (long) rflags$VH.get(struct, 0L);
    }
    /** Writes {@code rflags}. */
    public static void rflags(MemorySegment struct, long value) {
        rflags$VH.set(struct, 0L, value);
    }

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
