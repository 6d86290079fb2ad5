package dev.panamax.memory;

/**
 * One contiguous range of guest RAM as others need to know it (the VM registers it as a KVM memory
 * slot): {@code size} bytes at guest-physical {@code guestAddress}, mapped at host virtual address
 * {@code hostAddress}. A description, not a way in: the host address is a plain number, so the
 * bytes are still reached only through {@link GuestMemory}'s bounds-checked accessors (making memory
 * of it again takes a restricted FFM call).
 */
public record GuestRegion(long guestAddress, long size, long hostAddress) {
    public GuestRegion {
        if (size <= 0) {
            throw new IllegalArgumentException("region size " + size + " is not positive");
        }
        if (guestAddress < 0 || guestAddress + size < guestAddress) {
            throw new IllegalArgumentException("region at 0x" + Long.toHexString(guestAddress) + " wraps around");
        }
    }

    /** One past the last guest-physical address of the region. */
    public long end() {
        return guestAddress + size;
    }

    /** Whether {@code [address, address + length)} lies wholly inside this region. */
    public boolean contains(long address, long length) {
        return length >= 0 && address >= guestAddress && address < end() && length <= end() - address;
    }
}
