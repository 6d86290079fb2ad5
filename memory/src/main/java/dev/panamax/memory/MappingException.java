package dev.panamax.memory;

/**
 * The host would not map (or unmap) guest RAM, e.g. {@code ENOMEM} for more than its address
 * space or overcommit limit allows. A fault of the host, not of a guest access (that is
 * {@link GuestMemoryException}).
 */
public final class MappingException extends RuntimeException {
    private final String call;
    private final int errno;

    MappingException(String call, int errno) {
        super(call + " failed: errno " + errno);
        this.call = call;
        this.errno = errno;
    }

    /** The call that failed, e.g. {@code mmap(1073741824 bytes of guest RAM)}. */
    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }
}
