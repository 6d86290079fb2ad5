package dev.panamax.virtio.vsock;

import dev.panamax.memory.GuestMemory;
import dev.panamax.virtio.DescriptorChain;

import java.lang.foreign.MemorySegment;

/**
 * The device-readable (TX) or device-writable (RX) buffers of a chain as one byte stream: a
 * packet is a header then its payload, split across descriptors however the driver likes.
 * A buffer touched must lie wholly in guest RAM, else its {@code GuestMemoryException} is thrown
 * before any of its bytes move; bytes go through {@link GuestMemory#copyTo} and
 * {@link GuestMemory#copyFrom} (which alone marks pages dirty), so a packet makes no segment.
 * Socket I/O views the same bytes through {@link ChainViews}.
 */
final class ChainBytes {
    private ChainBytes() {}

    /** Throws {@code GuestMemoryException} unless every readable (or writable) buffer is guest RAM. */
    static void check(GuestMemory memory, DescriptorChain chain, boolean writable) {
        for (int i = 0; i < chain.count(); i++) {
            if (chain.isWriteOnly(i) == writable) {
                memory.requireInside(chain.address(i), chain.length(i));
            }
        }
    }

    /** Copies stream bytes {@code [at, at + bytes.byteSize())} out of the guest into {@code bytes}. */
    static void read(GuestMemory memory, DescriptorChain chain, boolean writable, long at, MemorySegment bytes) {
        copy(memory, chain, writable, at, bytes, false);
    }

    /** Copies {@code bytes} into the guest at stream offset {@code at}. */
    static void write(GuestMemory memory, DescriptorChain chain, boolean writable, long at, MemorySegment bytes) {
        copy(memory, chain, writable, at, bytes, true);
    }

    private static void copy(GuestMemory memory, DescriptorChain chain, boolean writable, long at, MemorySegment bytes,
            boolean toGuest) {
        long end = at + bytes.byteSize();
        long start = 0;
        for (int i = 0; i < chain.count(); i++) {
            if (chain.isWriteOnly(i) != writable) {
                continue;
            }
            long address = chain.address(i);
            long length = chain.length(i);
            long from = Math.max(at, start);
            long to = Math.min(end, start + length);
            if (from < to) {
                memory.requireInside(address, length); // the whole buffer, before any byte moves
                if (toGuest) {
                    memory.copyFrom(bytes, from - at, address + (from - start), to - from);
                } else {
                    memory.copyTo(address + (from - start), bytes, from - at, to - from);
                }
            }
            start += length;
            if (start >= end) {
                return;
            }
        }
    }
}
