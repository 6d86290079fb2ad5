package dev.panamax.memory;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * {@link ByteBuffer} views of guest RAM for channel I/O ({@code FileChannel.read/write} take
 * ByteBuffers) that cost no allocation per call: {@code MemorySegment.asByteBuffer()} makes a
 * new buffer and a new segment each time, so these are made once, as windows over each region
 * (ByteBuffers are int-indexed), and a call only moves one window's position and limit.
 *
 * <p>Same rules as {@link GuestMemory#slice} and {@link GuestMemory#readOnlySlice}: the range
 * must lie wholly inside one region, else {@link GuestMemoryException}; a writable view marks
 * its pages dirty, a read-only one does not. One owner at a time (a device under its lock):
 * the buffer returned is valid until the next call on this object, and must not outlive the
 * guest memory it came from. Made by {@link GuestMemory#bufferWindows()}.
 */
public final class BufferWindows {
    /** The longest range one call may view. */
    public static final int MAX_LENGTH = 1 << 29;
    /**
     * Windows start every {@code STRIDE} bytes of a region and span {@code STRIDE + MAX_LENGTH}
     * bytes (or to the region's end), so a range of at most {@link #MAX_LENGTH} bytes lies in
     * the window where it starts; the JDK wraps at most a little under 2 GiB as one ByteBuffer.
     */
    private static final long STRIDE = 1L << 30;

    private final Mapping[] mappings;
    private final ByteBuffer[][] writable;
    private final ByteBuffer[][] readOnly;

    BufferWindows(List<Mapping> mappings) {
        this.mappings = mappings.toArray(Mapping[]::new);
        this.writable = new ByteBuffer[this.mappings.length][];
        this.readOnly = new ByteBuffer[this.mappings.length][];
        for (int m = 0; m < this.mappings.length; m++) {
            long size = this.mappings[m].host().byteSize();
            int count = (int) ((size + STRIDE - 1) / STRIDE);
            writable[m] = new ByteBuffer[count];
            readOnly[m] = new ByteBuffer[count];
            for (int k = 0; k < count; k++) {
                long start = k * STRIDE;
                writable[m][k] = this.mappings[m].host().asSlice(start, Math.min(STRIDE + MAX_LENGTH, size - start))
                        .asByteBuffer();
                readOnly[m][k] = writable[m][k].asReadOnlyBuffer();
            }
        }
    }

    /**
     * A writable view of {@code [address, address + length)}, for bytes the VMM puts into guest
     * RAM; marks its pages dirty.
     *
     * @throws GuestMemoryException     when the range is not wholly inside one region
     * @throws IllegalArgumentException when {@code length} is negative or over {@link #MAX_LENGTH}
     */
    public ByteBuffer writable(long address, int length) {
        return window(writable, address, length, true);
    }

    /**
     * A read-only view of {@code [address, address + length)}, for bytes the VMM takes from guest
     * RAM; marks nothing.
     *
     * @throws GuestMemoryException     when the range is not wholly inside one region
     * @throws IllegalArgumentException when {@code length} is negative or over {@link #MAX_LENGTH}
     */
    public ByteBuffer readOnly(long address, int length) {
        return window(readOnly, address, length, false);
    }

    private ByteBuffer window(ByteBuffer[][] windows, long address, int length, boolean markDirty) {
        if (length < 0 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("buffer window of " + length + " bytes is not in 0.." + MAX_LENGTH);
        }
        for (int m = 0; m < mappings.length; m++) {
            Mapping mapping = mappings[m];
            if (mapping.region().contains(address, length)) {
                if (markDirty) {
                    GuestMemory.markDirty(mapping, address, length);
                }
                long offset = address - mapping.region().guestAddress();
                ByteBuffer window = windows[m][(int) (offset / STRIDE)];
                int start = (int) (offset % STRIDE);
                window.clear();
                window.position(start);
                window.limit(start + length);
                return window;
            }
        }
        throw new GuestMemoryException(address, length);
    }
}
