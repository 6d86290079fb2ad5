package dev.panamax.memory;

import java.nio.ByteBuffer;
import java.util.Arrays;
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
 * the buffer returned is valid until the next call on this object for the same slot, and must
 * not outlive the guest memory it came from. Made by {@link GuestMemory#bufferWindows()}.
 *
 * <p>Slots: a gathering write or scattering read ({@code channel.write(ByteBuffer[])}) needs
 * several views at once, possibly in one window, so each slot has its own buffers (duplicates
 * of slot 0's, sharing the memory) and views of different slots are distinct objects, valid
 * together. A slot's buffers are made the first time it is used, so a caller that needs at most
 * n views at once allocates only until it has used n slots.
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
    /** [slot][mapping][window]; slots past 0 made on first use. */
    private ByteBuffer[][][] writable;
    private ByteBuffer[][][] readOnly;

    BufferWindows(List<Mapping> mappings) {
        this.mappings = mappings.toArray(Mapping[]::new);
        this.writable = new ByteBuffer[1][this.mappings.length][];
        this.readOnly = new ByteBuffer[1][this.mappings.length][];
        for (int m = 0; m < this.mappings.length; m++) {
            long size = this.mappings[m].host().byteSize();
            int count = (int) ((size + STRIDE - 1) / STRIDE);
            writable[0][m] = new ByteBuffer[count];
            readOnly[0][m] = new ByteBuffer[count];
            for (int k = 0; k < count; k++) {
                long start = k * STRIDE;
                writable[0][m][k] = this.mappings[m].host()
                        .asSlice(start, Math.min(STRIDE + MAX_LENGTH, size - start)).asByteBuffer();
                readOnly[0][m][k] = writable[0][m][k].asReadOnlyBuffer();
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
        return writable(address, length, 0);
    }

    /**
     * {@link #writable(long, int)} in {@code slot}: a buffer distinct from every other slot's.
     *
     * @throws IllegalArgumentException also when {@code slot} is negative
     */
    public ByteBuffer writable(long address, int length, int slot) {
        return window(true, address, length, slot);
    }

    /**
     * A read-only view of {@code [address, address + length)}, for bytes the VMM takes from guest
     * RAM; marks nothing.
     *
     * @throws GuestMemoryException     when the range is not wholly inside one region
     * @throws IllegalArgumentException when {@code length} is negative or over {@link #MAX_LENGTH}
     */
    public ByteBuffer readOnly(long address, int length) {
        return readOnly(address, length, 0);
    }

    /**
     * {@link #readOnly(long, int)} in {@code slot}: a buffer distinct from every other slot's.
     *
     * @throws IllegalArgumentException also when {@code slot} is negative
     */
    public ByteBuffer readOnly(long address, int length, int slot) {
        return window(false, address, length, slot);
    }

    private ByteBuffer window(boolean markDirty, long address, int length, int slot) {
        if (length < 0 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("buffer window of " + length + " bytes is not in 0.." + MAX_LENGTH);
        }
        if (slot < 0) {
            throw new IllegalArgumentException("buffer window slot " + slot + " is negative");
        }
        if (slot >= writable.length) {
            addSlots(slot + 1);
        }
        ByteBuffer[][] windows = markDirty ? writable[slot] : readOnly[slot];
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

    /** Makes slots up to {@code count}: duplicates of slot 0's windows (same memory, own position and limit). */
    private void addSlots(int count) {
        int first = writable.length;
        writable = Arrays.copyOf(writable, count);
        readOnly = Arrays.copyOf(readOnly, count);
        for (int slot = first; slot < count; slot++) {
            writable[slot] = new ByteBuffer[mappings.length][];
            readOnly[slot] = new ByteBuffer[mappings.length][];
            for (int m = 0; m < mappings.length; m++) {
                int windows = writable[0][m].length;
                writable[slot][m] = new ByteBuffer[windows];
                readOnly[slot][m] = new ByteBuffer[windows];
                for (int k = 0; k < windows; k++) {
                    writable[slot][m][k] = writable[0][m][k].duplicate();
                    readOnly[slot][m][k] = readOnly[0][m][k].duplicate();
                }
            }
        }
    }
}
