package dev.panamax.virtio.vsock;

import dev.panamax.memory.GuestMemory;
import dev.panamax.virtio.Descriptor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The device-readable (TX) or device-writable (RX) buffers of a chain as one byte stream: a
 * packet is a header then its payload, split across descriptors however the driver likes.
 * Every access goes through {@link GuestMemory#slice}, so a buffer outside guest RAM throws its
 * {@code GuestMemoryException} before any byte moves.
 */
final class ChainBytes {
    private ChainBytes() {}

    /** Total bytes of the chain's readable ({@code writable == false}) or writable buffers. */
    static long length(List<Descriptor> chain, boolean writable) {
        long total = 0;
        for (Descriptor d : chain) {
            if (d.isWriteOnly() == writable) {
                total += d.length();
            }
        }
        return total;
    }

    /** Throws {@code GuestMemoryException} unless every readable (or writable) buffer is guest RAM. */
    static void check(GuestMemory memory, List<Descriptor> chain, boolean writable) {
        for (Descriptor d : chain) {
            if (d.isWriteOnly() == writable) {
                memory.readOnlySlice(d.address(), d.length()); // a check, not a write: no dirty mark
            }
        }
    }

    /** Copies stream bytes {@code [at, at + bytes.byteSize())} out of the guest into {@code bytes}. */
    static void read(GuestMemory memory, List<Descriptor> chain, boolean writable, long at, MemorySegment bytes) {
        copy(memory, chain, writable, at, bytes, false);
    }

    /** Copies {@code bytes} into the guest at stream offset {@code at}. */
    static void write(GuestMemory memory, List<Descriptor> chain, boolean writable, long at, MemorySegment bytes) {
        copy(memory, chain, writable, at, bytes, true);
    }

    private static void copy(GuestMemory memory, List<Descriptor> chain, boolean writable, long at, MemorySegment bytes,
            boolean toGuest) {
        long end = at + bytes.byteSize();
        long start = 0;
        for (Descriptor d : chain) {
            if (d.isWriteOnly() != writable) {
                continue;
            }
            long from = Math.max(at, start);
            long to = Math.min(end, start + d.length());
            if (from < to) {
                MemorySegment guest = (toGuest ? memory.slice(d.address(), d.length())
                        : memory.readOnlySlice(d.address(), d.length())).asSlice(from - start, to - from);
                MemorySegment local = bytes.asSlice(from - at, to - from);
                if (toGuest) {
                    guest.copyFrom(local);
                } else {
                    local.copyFrom(guest);
                }
            }
            start += d.length();
            if (start >= end) {
                return;
            }
        }
    }

    /**
     * Direct views of stream bytes {@code [from, to)} for scattering and gathering socket I/O
     * (no copy through the heap); at most {@code to - from} bytes, fewer if the chain is shorter.
     */
    static ByteBuffer[] views(GuestMemory memory, List<Descriptor> chain, boolean writable, long from, long to) {
        int count = 0;
        long start = 0;
        for (Descriptor d : chain) {
            if (d.isWriteOnly() == writable) {
                if (Math.max(from, start) < Math.min(to, start + d.length())) {
                    count++;
                }
                start += d.length();
            }
        }
        ByteBuffer[] views = new ByteBuffer[count];
        int i = 0;
        start = 0;
        for (Descriptor d : chain) {
            if (d.isWriteOnly() != writable) {
                continue;
            }
            long a = Math.max(from, start);
            long b = Math.min(to, start + d.length());
            if (a < b) {
                MemorySegment guest = writable ? memory.slice(d.address(), d.length())
                        : memory.readOnlySlice(d.address(), d.length());
                views[i++] = guest.asSlice(a - start, b - a).asByteBuffer();
            }
            start += d.length();
        }
        return views;
    }
}
