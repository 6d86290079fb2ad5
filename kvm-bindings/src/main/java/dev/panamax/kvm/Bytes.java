package dev.panamax.kvm;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** Little-endian values of 1 to 8 bytes at any offset, as exits carry them. */
final class Bytes {
    private Bytes() {}

    static long readLe(MemorySegment segment, long offset, int length) {
        checkLength(length);
        long value = 0;
        for (int i = length - 1; i >= 0; i--) {
            value = (value << 8) | Byte.toUnsignedLong(segment.get(JAVA_BYTE, offset + i));
        }
        return value;
    }

    static void writeLe(MemorySegment segment, long offset, int length, long value) {
        checkLength(length);
        for (int i = 0; i < length; i++) {
            segment.set(JAVA_BYTE, offset + i, (byte) (value >>> (8 * i)));
        }
    }

    private static void checkLength(int length) {
        if (length < 1 || length > 8) {
            throw new IllegalArgumentException("access length " + length + " is not 1..8");
        }
    }
}
