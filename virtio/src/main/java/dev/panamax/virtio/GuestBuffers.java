package dev.panamax.virtio;

import dev.panamax.memory.BufferWindows;
import dev.panamax.memory.GuestMemory;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The device-readable (or device-writable) buffers of a chain seen as one byte stream, so a
 * device need not care how the driver split a request across descriptors (virtio 1.x: devices
 * must not assume a particular layout). Every access goes through {@link GuestMemory}: a buffer
 * that is not wholly inside guest RAM surfaces as its {@code GuestMemoryException} when first
 * touched, before any of its bytes move. Device-readable buffers are only read, through
 * {@link GuestMemory#readOnlySlice}, so they are not marked dirty for a diff snapshot;
 * device-writable ones go through {@link GuestMemory#slice}. File transfers use the device's
 * {@link BufferWindows}: no ByteBuffer is made per request.
 *
 * <p>A device owns one per kind and {@link #reset}s it for each chain, so serving a request
 * allocates no stream object; it is valid as long as the chain is.
 */
final class GuestBuffers {
    /** ByteBuffers are int-indexed: file transfers go in pieces no larger than this. */
    private static final long MAX_PIECE = BufferWindows.MAX_LENGTH;

    private final boolean writable;
    private GuestMemory memory;
    private BufferWindows windows;
    private DescriptorChain chain;
    private long length;

    /** @param writable whether this stream is the chain's device-writable buffers (else its readable ones) */
    GuestBuffers(boolean writable) {
        this.writable = writable;
    }

    /**
     * Makes this the stream of {@code chain}'s buffers of this kind; file transfers go through
     * {@code windows} (the device's own, of this memory).
     */
    GuestBuffers reset(GuestMemory memory, BufferWindows windows, DescriptorChain chain) {
        this.memory = memory;
        this.windows = windows;
        this.chain = chain;
        this.length = chain.totalLength(writable);
        return this;
    }

    /** Total bytes in the stream. */
    long length() {
        return length;
    }

    /** Copies stream bytes {@code [from, from + into.byteSize())} into {@code into}. */
    void read(long from, MemorySegment into) {
        copy(from, into, false);
    }

    /** Copies {@code bytes} into the stream at {@code at}; only for a writable stream. */
    void write(long at, MemorySegment bytes) {
        copy(at, bytes, true);
    }

    private void copy(long from, MemorySegment local, boolean toGuest) {
        long to = from + local.byteSize();
        long bufferStart = 0;
        for (int i = 0; i < chain.count() && bufferStart < to; i++) {
            if (chain.isWriteOnly(i) != writable) {
                continue;
            }
            long bufferLength = chain.length(i);
            long start = Math.max(from, bufferStart);
            long end = Math.min(to, bufferStart + bufferLength);
            if (start < end) {
                MemorySegment buffer = view(i);
                if (toGuest) {
                    MemorySegment.copy(local, start - from, buffer, start - bufferStart, end - start);
                } else {
                    MemorySegment.copy(buffer, start - bufferStart, local, start - from, end - start);
                }
            }
            bufferStart += bufferLength;
        }
    }

    /**
     * Moves stream bytes {@code [from, to)} to ({@code toFile}) or from the file, stream byte
     * {@code from} at file offset {@code filePosition}, piece by piece.
     *
     * @throws EOFException when the file ends before the stream's bytes are read
     */
    void transfer(FileChannel file, long filePosition, long from, long to, boolean toFile) throws IOException {
        long bufferStart = 0;
        for (int i = 0; i < chain.count() && bufferStart < to; i++) {
            if (chain.isWriteOnly(i) != writable) {
                continue;
            }
            long bufferLength = chain.length(i);
            long start = Math.max(from, bufferStart);
            long end = Math.min(to, bufferStart + bufferLength);
            if (start < end) {
                long address = chain.address(i);
                // The whole buffer must be guest RAM, checked before any byte moves; the pieces
                // are then inside it, so their addresses cannot wrap.
                memory.requireInside(address, bufferLength);
                for (long at = start; at < end; ) {
                    int n = (int) Math.min(end - at, MAX_PIECE);
                    long pieceAddress = address + (at - bufferStart);
                    ByteBuffer bytes = writable ? windows.writable(pieceAddress, n) : windows.readOnly(pieceAddress, n);
                    long position = filePosition + (at - from);
                    while (bytes.hasRemaining()) {
                        int moved = toFile ? file.write(bytes, position) : file.read(bytes, position);
                        if (moved < 0) {
                            throw new EOFException("image ends before byte " + position + " (did it shrink?)");
                        }
                        position += moved;
                    }
                    at += n;
                }
            }
            bufferStart += bufferLength;
        }
    }

    /**
     * Buffer {@code i}, all of it: the whole buffer must be guest RAM, checked before any byte
     * moves; pieces are cut from it, with no guest address arithmetic that could wrap.
     */
    private MemorySegment view(int i) {
        return writable ? memory.slice(chain.address(i), chain.length(i))
                : memory.readOnlySlice(chain.address(i), chain.length(i));
    }
}
