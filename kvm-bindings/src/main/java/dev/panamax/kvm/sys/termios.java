package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * {@code struct termios} from glibc's {@code <termios.h>} (x86_64), jextract-style (AbiTest
 * checks it against the installed headers): a terminal's settings, saved with
 * {@code tcgetattr}, made raw with {@code cfmakeraw} and put back with {@code tcsetattr}. Java
 * never reads the fields, so there are no accessors.
 */
@SuppressWarnings("unused")
public final class termios {
    private termios() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("c_iflag"),
        JAVA_INT.withName("c_oflag"),
        JAVA_INT.withName("c_cflag"),
        JAVA_INT.withName("c_lflag"),
        JAVA_BYTE.withName("c_line"),
        MemoryLayout.sequenceLayout(32, JAVA_BYTE).withName("c_cc"),
        MemoryLayout.paddingLayout(3),
        JAVA_INT.withName("c_ispeed"),
        JAVA_INT.withName("c_ospeed")).withName("termios");

    /** A zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
