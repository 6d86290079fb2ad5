package dev.panamax.memory;

import java.lang.foreign.MemorySegment;

/**
 * One contiguous range of guest RAM: {@code size} bytes at guest-physical {@code guestAddress},
 * backed by the host mapping {@code host}.
 */
public record GuestRegion(long guestAddress, long size, MemorySegment host) {
    public GuestRegion {
        if (size <= 0 || host.byteSize() != size) {
            throw new IllegalArgumentException("region size " + size + " does not match its mapping");
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
