package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * {@code struct sock_filter} from {@code <linux/filter.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers): one classic
 * BPF instruction, as a seccomp filter is made of.
 */
@SuppressWarnings("unused")
public final class sock_filter {
    private sock_filter() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_SHORT.withName("code"),
        JAVA_BYTE.withName("jt"),
        JAVA_BYTE.withName("jf"),
        JAVA_INT.withName("k")).withName("sock_filter");

    private static final VarHandle code$VH = LAYOUT.varHandle(groupElement("code"));
    private static final VarHandle jt$VH = LAYOUT.varHandle(groupElement("jt"));
    private static final VarHandle jf$VH = LAYOUT.varHandle(groupElement("jf"));
    private static final VarHandle k$VH = LAYOUT.varHandle(groupElement("k"));

    /** Writes instruction {@code index} of the array {@code filters}. */
    public static void set(MemorySegment filters, long index, short code, byte jt, byte jf, int k) {
        MemorySegment insn = filters.asSlice(index * LAYOUT.byteSize(), LAYOUT.byteSize());
        code$VH.set(insn, 0L, code);
        jt$VH.set(insn, 0L, jt);
        jf$VH.set(insn, 0L, jf);
        k$VH.set(insn, 0L, k);
    }
}
