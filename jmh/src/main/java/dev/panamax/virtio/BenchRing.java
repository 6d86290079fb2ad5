package dev.panamax.virtio;

import dev.panamax.memory.GuestMemory;

import java.util.List;

/**
 * One split virtqueue in guest memory with the driver's side done by hand: a chain at
 * descriptor 0, written once, that {@link #offer()} makes available again and again, as a guest
 * driver reusing one request slot would. Nothing per offer allocates, so what the benchmarks
 * measure is the device side. The block-shaped ring owns 1 MiB of guest memory and a chain of
 * three descriptors (a 16-byte device-readable header, a device-writable or -readable data
 * buffer, a 1-byte status); a ring in shared memory gets its chain from the caller.
 */
final class BenchRing implements AutoCloseable {
    static final int SIZE = 256;
    static final long DESC = 0x1000;
    static final long AVAIL = 0x2000;
    static final long USED = 0x3000;
    /** Guest bytes a ring's tables take from its base (the last table ends before this). */
    static final long SPAN = 0x4000;
    static final long HEADER = 0x8000;
    static final long STATUS = 0x9000;
    static final long DATA = 0x10000;

    final GuestMemory memory;
    final Virtqueue queue;
    private final long base;
    private final boolean ownsMemory;
    private int availIdx;

    /** @param dataWritable whether the device writes the data buffer (a read request) */
    BenchRing(int dataLength, boolean dataWritable) throws VirtqueueException {
        this(GuestMemory.anonymous(List.of(new GuestMemory.Range(0, 1 << 20))), 0, true);
        descriptor(0, HEADER, 16, Descriptor.NEXT, 1);
        descriptor(1, DATA, dataLength, Descriptor.NEXT | (dataWritable ? Descriptor.WRITE : 0), 2);
        descriptor(2, STATUS, 1, Descriptor.WRITE, 0);
    }

    /**
     * A ring whose tables lie at {@code base} + {@link #DESC}, {@link #AVAIL}, {@link #USED} of
     * {@code memory} (the caller's, several rings may share it), its chain left to the caller
     * ({@link #descriptor}).
     */
    BenchRing(GuestMemory memory, long base) throws VirtqueueException {
        this(memory, base, false);
    }

    private BenchRing(GuestMemory memory, long base, boolean ownsMemory) throws VirtqueueException {
        this.memory = memory;
        this.base = base;
        this.ownsMemory = ownsMemory;
        queue = new Virtqueue(memory, 0, SIZE);
        queue.setSize(SIZE);
        queue.setDescTable(base + DESC);
        queue.setAvailRing(base + AVAIL);
        queue.setUsedRing(base + USED);
        queue.setReady(true);
        queue.activate(false, false);
    }

    /** Writes descriptor {@code i} of this ring's table. */
    void descriptor(int i, long address, int length, int flags, int next) {
        long at = base + DESC + 16L * i;
        memory.writeU64(at, address);
        memory.writeU32(at + 8, length);
        memory.writeU16(at + 12, (short) flags);
        memory.writeU16(at + 14, (short) next);
    }

    /** Makes the chain at descriptor 0 available once more (avail ring entry, then avail.idx with release). */
    void offer() {
        memory.writeU16(base + AVAIL + 4 + 2L * (availIdx & (SIZE - 1)), (short) 0);
        availIdx = (availIdx + 1) & 0xFFFF;
        memory.writeU16Release(base + AVAIL + 2, (short) availIdx);
    }

    /** The used length of the last chain the device returned. */
    int lastUsedLength() {
        int usedIdx = memory.readU16(base + USED + 2) & 0xFFFF;
        return memory.readU32(base + USED + 4 + 8L * ((usedIdx - 1) & (SIZE - 1)) + 4);
    }

    @Override
    public void close() {
        if (ownsMemory) {
            memory.close();
        }
    }
}
