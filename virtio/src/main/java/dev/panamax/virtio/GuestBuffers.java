package dev.panamax.virtio;

import dev.panamax.memory.GuestMemory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * The device-readable (or device-writable) buffers of a chain seen as one byte stream, so a
 * device need not care how the driver split a request across descriptors (virtio 1.x: devices
 * must not assume a particular layout). Every access goes through {@link GuestMemory}: a buffer
 * that is not wholly inside guest RAM surfaces as its {@code GuestMemoryException} when first
 * touched, before any of its bytes move.
 */
final class GuestBuffers {
    /** ByteBuffers are int-indexed: bulk transfers go in pieces no larger than this. */
    private static final long MAX_PIECE = 1L << 30;

    /** What to do with one contiguous piece of guest memory holding stream bytes from {@code streamOffset}. */
    @FunctionalInterface
    interface PieceAction {
        void accept(MemorySegment piece, long streamOffset) throws IOException;
    }

    private final GuestMemory memory;
    private final List<Descriptor> buffers;
    private final long length;

    GuestBuffers(GuestMemory memory, List<Descriptor> buffers) {
        this.memory = memory;
        this.buffers = buffers;
        long total = 0;
        for (Descriptor d : buffers) {
            total += d.length();
        }
        this.length = total;
    }

    /** Total bytes in the stream. */
    long length() {
        return length;
    }

    /** Applies {@code action} to stream bytes {@code [from, to)}, in order, piece by piece. */
    void forEach(long from, long to, PieceAction action) throws IOException {
        long bufferStart = 0;
        for (Descriptor d : buffers) {
            if (bufferStart >= to) {
                return;
            }
            long start = Math.max(from, bufferStart);
            long end = Math.min(to, bufferStart + d.length());
            if (start < end) {
                // The whole buffer must be guest RAM, checked before any byte moves; pieces are
                // then cut from it, with no guest address arithmetic that could wrap.
                MemorySegment buffer = memory.slice(d.address(), d.length());
                for (long at = start; at < end; ) {
                    long n = Math.min(end - at, MAX_PIECE);
                    action.accept(buffer.asSlice(at - bufferStart, n), at);
                    at += n;
                }
            }
            bufferStart += d.length();
        }
    }

    /** Copies {@code n} stream bytes from {@code from} into a new array. */
    byte[] read(long from, int n) {
        byte[] bytes = new byte[n];
        forEachUnchecked(from, from + n,
                (piece, at) -> MemorySegment.copy(piece, ValueLayout.JAVA_BYTE, 0, bytes, (int) (at - from), (int) piece.byteSize()));
        return bytes;
    }

    /** Copies {@code bytes} into the stream at {@code at}. */
    void write(long at, byte[] bytes) {
        forEachUnchecked(at, at + bytes.length,
                (piece, pos) -> MemorySegment.copy(bytes, (int) (pos - at), piece, ValueLayout.JAVA_BYTE, 0, (int) piece.byteSize()));
    }

    private void forEachUnchecked(long from, long to, PieceAction action) {
        try {
            forEach(from, to, action);
        } catch (IOException e) {
            throw new IllegalStateException("memory copies do no I/O", e);
        }
    }
}
