package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code struct seccomp_data} from {@code <linux/seccomp.h>}, jextract-style (AbiTest checks it
 * against the installed headers): what a seccomp filter reads with absolute loads. Only the
 * offsets matter to Java, which never holds one.
 */
@SuppressWarnings("unused")
public final class seccomp_data {
    private seccomp_data() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("nr"),
        JAVA_INT.withName("arch"),
        JAVA_LONG.withName("instruction_pointer"),
        MemoryLayout.sequenceLayout(6, JAVA_LONG).withName("args")).withName("seccomp_data");

    /** Byte offset of {@code nr}, the system call number. */
    public static final long nr$OFFSET = LAYOUT.byteOffset(groupElement("nr"));
    /** Byte offset of {@code arch}, an AUDIT_ARCH_* value. */
    public static final long arch$OFFSET = LAYOUT.byteOffset(groupElement("arch"));
}
