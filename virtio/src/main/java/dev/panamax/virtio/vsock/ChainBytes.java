package dev.panamax.virtio.vsock;

import dev.panamax.memory.GuestMemory;
import dev.panamax.virtio.DescriptorChain;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The device-readable (TX) or device-writable (RX) buffers of a chain as one byte stream: a
 * packet is a header then its payload, split across descriptors however the driver likes.
 * Every access goes through {@link GuestMemory#slice}, so a buffer outside guest RAM throws its
 * {@code GuestMemoryException} before any byte moves.
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
                if (toGuest) {
                    MemorySegment.copy(bytes, from - at, memory.slice(address, length), from - start, to - from);
                } else {
                    MemorySegment.copy(memory.readOnlySlice(address, length), from - start, bytes, from - at, to - from);
                }
            }
            start += length;
            if (start >= end) {
                return;
            }
        }
    }

    /**
     * Direct views of stream bytes {@code [from, to)} for scattering and gathering socket I/O
     * (no copy through the heap); at most {@code to - from} bytes, fewer if the chain is shorter.
     */
    static ByteBuffer[] views(GuestMemory memory, DescriptorChain chain, boolean writable, long from, long to) {
        int count = 0;
        long start = 0;
        for (int i = 0; i < chain.count(); i++) {
            if (chain.isWriteOnly(i) == writable) {
                if (Math.max(from, start) < Math.min(to, start + chain.length(i))) {
                    count++;
                }
                start += chain.length(i);
            }
        }
        ByteBuffer[] views = new ByteBuffer[count];
        int v = 0;
        start = 0;
        for (int i = 0; i < chain.count(); i++) {
            if (chain.isWriteOnly(i) != writable) {
                continue;
            }
            long address = chain.address(i);
            long length = chain.length(i);
            long a = Math.max(from, start);
            long b = Math.min(to, start + length);
            if (a < b) {
                MemorySegment guest = writable ? memory.slice(address, length)
                        : memory.readOnlySlice(address, length);
                views[v++] = guest.asSlice(a - start, b - a).asByteBuffer();
            }
            start += length;
        }
        return views;
    }
}
