package dev.panamax.memory;

/**
 * A guest-physical access that does not lie wholly inside one region of guest RAM, or an
 * ordered access ({@link GuestMemory#readU16Acquire}) that is not naturally aligned.
 */
public final class GuestMemoryException extends RuntimeException {
    private final long address;
    private final long length;

    GuestMemoryException(long address, long length) {
        this(address, length, "is outside guest RAM");
    }

    GuestMemoryException(long address, long length, String problem) {
        super("guest-physical range [0x" + Long.toHexString(address) + ", +0x" + Long.toHexString(length) + ") " + problem);
        this.address = address;
        this.length = length;
    }

    public long address() {
        return address;
    }

    public long length() {
        return length;
    }
}
