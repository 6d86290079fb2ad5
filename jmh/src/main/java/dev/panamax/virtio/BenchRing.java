package dev.panamax.virtio;

import dev.panamax.memory.GuestMemory;

import java.util.List;

/**
 * One split virtqueue in 1 MiB of guest memory with the driver's side done by hand: a chain of
 * three descriptors (a 16-byte device-readable header, a device-writable or -readable data
 * buffer, a 1-byte status), written once, that {@link #offer()} makes available again and again,
 * as a guest driver reusing one request slot would. Nothing per offer allocates, so what the
 * benchmarks measure is the device side.
 */
final class BenchRing implements AutoCloseable {
    static final int SIZE = 256;
    static final long DESC = 0x1000;
    static final long AVAIL = 0x2000;
    static final long USED = 0x3000;
    static final long HEADER = 0x8000;
    static final long STATUS = 0x9000;
    static final long DATA = 0x10000;

    final GuestMemory memory = GuestMemory.anonymous(List.of(new GuestMemory.Range(0, 1 << 20)));
    final Virtqueue queue = new Virtqueue(memory, 0, SIZE);
    private int availIdx;

    /** @param dataWritable whether the device writes the data buffer (a read request) */
    BenchRing(int dataLength, boolean dataWritable) throws VirtqueueException {
        descriptor(0, HEADER, 16, Descriptor.NEXT, 1);
        descriptor(1, DATA, dataLength, Descriptor.NEXT | (dataWritable ? Descriptor.WRITE : 0), 2);
        descriptor(2, STATUS, 1, Descriptor.WRITE, 0);
        queue.setSize(SIZE);
        queue.setDescTable(DESC);
        queue.setAvailRing(AVAIL);
        queue.setUsedRing(USED);
        queue.setReady(true);
        queue.activate(false, false);
    }

    private void descriptor(int i, long address, int length, int flags, int next) {
        long at = DESC + 16L * i;
        memory.writeU64(at, address);
        memory.writeU32(at + 8, length);
        memory.writeU16(at + 12, (short) flags);
        memory.writeU16(at + 14, (short) next);
    }

    /** Makes the chain at descriptor 0 available once more (avail ring entry, then avail.idx with release). */
    void offer() {
        memory.writeU16(AVAIL + 4 + 2L * (availIdx & (SIZE - 1)), (short) 0);
        availIdx = (availIdx + 1) & 0xFFFF;
        memory.writeU16Release(AVAIL + 2, (short) availIdx);
    }

    @Override
    public void close() {
        memory.close();
    }
}
