package dev.panamax.kvm.sys;

import java.lang.foreign.MemorySegment;

/** Turns the C convention (-1 and errno) into {@link SyscallException}s. */
public final class Syscall {
    private Syscall() {}

    /** Returns {@code rc}, or throws naming {@code call} when it is negative. */
    public static int check(String call, int rc, MemorySegment captureState) {
        if (rc < 0) {
            throw new SyscallException(call, Libc.errno(captureState));
        }
        return rc;
    }

    /** Returns {@code rc}, or throws naming {@code call} when it is negative. */
    public static long check(String call, long rc, MemorySegment captureState) {
        if (rc < 0) {
            throw new SyscallException(call, Libc.errno(captureState));
        }
        return rc;
    }
}
