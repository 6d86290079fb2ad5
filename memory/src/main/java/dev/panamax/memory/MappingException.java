package dev.panamax.memory;

/**
 * The host would not map (or unmap) guest RAM, e.g. {@code ENOMEM} for more than its address
 * space or overcommit limit allows. A fault of the host, not of a guest access (that is
 * {@link GuestMemoryException}).
 */
public final class MappingException extends RuntimeException {
    MappingException(String call, int errno) {
        super(call + " failed: errno " + errno + (errno == ENOMEM ? " (ENOMEM: not enough memory)" : ""));
    }

    private static final int ENOMEM = 12;
}
