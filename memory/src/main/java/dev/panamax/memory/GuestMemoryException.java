package dev.panamax.memory;

/** A guest-physical access that does not lie wholly inside one region of guest RAM. */
public final class GuestMemoryException extends RuntimeException {
    private final long address;
    private final long length;

    GuestMemoryException(long address, long length) {
        super("guest-physical range [0x" + Long.toHexString(address) + ", +0x" + Long.toHexString(length)
                + ") is outside guest RAM");
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
