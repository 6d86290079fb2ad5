package dev.panamax.kvm.sys;

import java.lang.foreign.MemoryLayout;

/** The {@code _IO/_IOR/_IOW/_IOWR} request encoding of {@code <asm-generic/ioctl.h>}. */
public final class Ioctl {
    private Ioctl() {}

    private static final int NRSHIFT = 0;
    private static final int TYPESHIFT = 8;
    private static final int SIZESHIFT = 16;
    private static final int DIRSHIFT = 30;
    private static final long NONE = 0;
    private static final long WRITE = 1;
    private static final long READ = 2;

    private static long encode(long dir, int type, int nr, long size) {
        if (size >= (1 << 14)) {
            throw new IllegalArgumentException("ioctl argument too large: " + size);
        }
        return (dir << DIRSHIFT) | ((long) type << TYPESHIFT) | ((long) nr << NRSHIFT) | (size << SIZESHIFT);
    }

    public static long io(int type, int nr) {
        return encode(NONE, type, nr, 0);
    }

    public static long ior(int type, int nr, MemoryLayout arg) {
        return encode(READ, type, nr, arg.byteSize());
    }

    public static long iow(int type, int nr, MemoryLayout arg) {
        return encode(WRITE, type, nr, arg.byteSize());
    }

    public static long iowr(int type, int nr, MemoryLayout arg) {
        return encode(READ | WRITE, type, nr, arg.byteSize());
    }
}
