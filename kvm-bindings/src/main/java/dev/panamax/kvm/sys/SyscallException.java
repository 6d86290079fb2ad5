package dev.panamax.kvm.sys;

/**
 * A failed system call or ioctl: names the call (for ioctls, the request's macro name),
 * the errno by name, and the C library's text for it.
 */
public final class SyscallException extends RuntimeException {
    private final String call;
    private final int errno;

    public SyscallException(String call, int errno) {
        super(call + " failed: " + Errno.nameOf(errno) + " (" + Libc.strerror(errno) + ")");
        this.call = call;
        this.errno = errno;
    }

    /** The call that failed, e.g. {@code ioctl(KVM_CREATE_VM)}. */
    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }
}
