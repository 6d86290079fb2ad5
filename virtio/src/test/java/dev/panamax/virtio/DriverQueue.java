package dev.panamax.virtio;

import dev.panamax.memory.GuestMemory;

import java.util.ArrayList;
import java.util.List;

/** The driver's side of one split queue in guest memory (a test double of Linux's virtio_ring). */
final class DriverQueue {
    /** A buffer the driver offers: {@code len} bytes at {@code addr}, device-writable or not. */
    record Buf(long addr, int len, boolean write) {
        static Buf in(long addr, int len) {
            return new Buf(addr, len, false);
        }

        static Buf out(long addr, int len) {
            return new Buf(addr, len, true);
        }
    }

    /** A used element: chain head and bytes written. */
    record Used(int id, int len) {}

    final MockDriver driver;
    final GuestMemory memory;
    final int index;
    final int size;
    final long desc;
    final long avail;
    final long used;
    private int nextDesc;
    private int availIdx;
    private int lastUsed;

    DriverQueue(MockDriver driver, int index, int size, long desc, long avail, long used) {
        this.driver = driver;
        this.memory = driver.memory;
        this.index = index;
        this.size = size;
        this.desc = desc;
        this.avail = avail;
        this.used = used;
    }

    void writeDescriptor(long table, int i, long addr, int len, int flags, int next) {
        writeDescriptor(memory, table, i, addr, len, flags, next);
    }

    /** Writes entry {@code i} of the descriptor table at {@code table}. */
    static void writeDescriptor(GuestMemory memory, long table, int i, long addr, int len, int flags, int next) {
        long at = table + 16L * i;
        memory.writeU64(at, addr);
        memory.writeU32(at + 8, len);
        memory.writeU16(at + 12, (short) flags);
        memory.writeU16(at + 14, (short) next);
    }

    private static int flags(Buf b, boolean hasNext) {
        return (b.write() ? Descriptor.WRITE : 0) | (hasNext ? Descriptor.NEXT : 0);
    }

    /** Writes a direct chain into the descriptor table (not yet published); returns its head. */
    int chain(List<Buf> bufs) {
        int head = nextDesc;
        for (int i = 0; i < bufs.size(); i++) {
            int d = (nextDesc + i) % size;
            int next = (d + 1) % size;
            Buf b = bufs.get(i);
            writeDescriptor(desc, d, b.addr(), b.len(), flags(b, i + 1 < bufs.size()), next);
        }
        nextDesc = (nextDesc + bufs.size()) % size;
        return head;
    }

    /** Writes an indirect table holding {@code bufs} and one descriptor pointing at it; returns its head. */
    int indirectChain(List<Buf> bufs) {
        long table = driver.alloc(16L * bufs.size(), 16);
        for (int i = 0; i < bufs.size(); i++) {
            Buf b = bufs.get(i);
            writeDescriptor(table, i, b.addr(), b.len(), flags(b, i + 1 < bufs.size()), i + 1);
        }
        int head = nextDesc;
        writeDescriptor(desc, head, table, 16 * bufs.size(), Descriptor.INDIRECT, 0);
        nextDesc = (nextDesc + 1) % size;
        return head;
    }

    /** Puts {@code head} in the available ring and publishes avail.idx (release). */
    void publish(int head) {
        memory.writeU16(avail + 4 + 2L * (availIdx % size), (short) head);
        availIdx = (availIdx + 1) & 0xFFFF;
        memory.writeU16Release(avail + 2, (short) availIdx);
    }

    int submit(List<Buf> bufs) {
        int head = chain(bufs);
        publish(head);
        return head;
    }

    int submitIndirect(List<Buf> bufs) {
        int head = indirectChain(bufs);
        publish(head);
        return head;
    }

    /** Sets avail.idx directly (for hostile tests). */
    void setAvailIdx(int idx) {
        availIdx = idx & 0xFFFF;
        memory.writeU16(avail + 2, (short) idx);
    }

    int availIdx() {
        return availIdx;
    }

    void setAvailFlags(int flags) {
        memory.writeU16(avail, (short) flags);
    }

    /** used_event, at the tail of the available ring. */
    void setUsedEvent(int idx) {
        memory.writeU16(avail + 4 + 2L * size, (short) idx);
    }

    /** avail_event, at the tail of the used ring. */
    int availEvent() {
        return memory.readU16(used + 4 + 8L * size) & 0xFFFF;
    }

    /** used.idx, with acquire semantics: the elements it publishes are read after it. */
    int usedIdx() {
        return memory.readU16Acquire(used + 2) & 0xFFFF;
    }

    /** The used elements published since the last call. */
    List<Used> takeUsed() {
        int idx = usedIdx();
        List<Used> out = new ArrayList<>();
        while (lastUsed != idx) {
            long e = used + 4 + 8L * (lastUsed % size);
            out.add(new Used(memory.readU32(e), memory.readU32(e + 4)));
            lastUsed = (lastUsed + 1) & 0xFFFF;
        }
        return out;
    }
}
