package dev.panamax.memory;

import java.lang.foreign.MemorySegment;

/**
 * A region of guest RAM with the host mapping behind it, and the pages the VMM wrote ({@code
 * dirty}, null unless dirty pages are tracked). The segment never leaves {@link GuestMemory},
 * which hands out only bounds-checked slices of it.
 */
record Mapping(GuestRegion region, MemorySegment host, DirtyBitmap dirty) {
    Mapping(long guestAddress, MemorySegment host, boolean trackDirtyPages) {
        this(new GuestRegion(guestAddress, host.byteSize(), host.address()), host,
                trackDirtyPages ? new DirtyBitmap(host.byteSize()) : null);
    }

    /** {@code length} bytes at guest-physical {@code address}, which must lie inside the region. */
    MemorySegment slice(long address, long length) {
        return host.asSlice(address - region.guestAddress(), length);
    }
}
