package dev.panamax.virtio;

import dev.panamax.virtio.DriverQueue.Buf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Builds virtio-blk requests the way Linux's virtio_blk does: header, data segments, status byte. */
final class BlockClient {
    static final int T_IN = 0;
    static final int T_OUT = 1;
    static final int T_FLUSH = 4;
    static final int T_GET_ID = 8;

    /** A finished request: its status byte, the used length, and what the device wrote. */
    record Result(int status, int usedLength, byte[] data) {}

    final MockDriver driver;
    final DriverQueue queue;
    boolean indirect;
    /** Data is split into descriptors of at most this many bytes. */
    int segmentSize = Integer.MAX_VALUE;

    BlockClient(MockDriver driver) {
        this.driver = driver;
        this.queue = driver.queue(0);
    }

    long header(int type, long sector) {
        long at = driver.alloc(16, 8);
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(type).putInt(0).putLong(sector);
        driver.memory.write(at, b.array());
        return at;
    }

    private List<Buf> segments(long at, int length, boolean write) {
        List<Buf> out = new ArrayList<>();
        for (int off = 0; off < length; off += segmentSize) {
            out.add(new Buf(at + off, Math.min(segmentSize, length - off), write));
        }
        return out;
    }

    /** Submits header + data + status (not yet kicked); returns the head and where things are. */
    Pending submit(int type, long sector, byte[] outData, int inLength) {
        long mark = driver.allocationMark();
        List<Buf> bufs = new ArrayList<>();
        bufs.add(Buf.in(header(type, sector), 16));
        long data = 0;
        if (outData != null) {
            data = driver.alloc(outData.length, 512);
            driver.memory.write(data, outData);
            bufs.addAll(segments(data, outData.length, false));
        } else if (inLength > 0) {
            data = driver.alloc(inLength, 512);
            driver.memory.slice(data, inLength).fill((byte) 0xEE);
            bufs.addAll(segments(data, inLength, true));
        }
        long status = driver.alloc(1, 1);
        driver.memory.writeU8(status, (byte) 0x7F);
        bufs.add(Buf.out(status, 1));
        int head = indirect ? queue.submitIndirect(bufs) : queue.submit(bufs);
        return new Pending(head, data, inLength, status, mark);
    }

    record Pending(int head, long data, int inLength, long status, long mark) {}

    Result complete(Pending p) {
        List<DriverQueue.Used> used = queue.takeUsed();
        assertThat(used).extracting(DriverQueue.Used::id).containsExactly(p.head());
        byte[] data = p.inLength() > 0 ? driver.memory.read(p.data(), p.inLength()) : new byte[0];
        return new Result(driver.memory.readU8(p.status()) & 0xFF, used.getFirst().len(), data);
    }

    Result run(int type, long sector, byte[] outData, int inLength) {
        Pending p = submit(type, sector, outData, inLength);
        driver.kick(0);
        Result r = complete(p);
        driver.resetAllocator(p.mark());
        return r;
    }

    Result read(long sector, int length) {
        return run(T_IN, sector, null, length);
    }

    Result write(long sector, byte[] data) {
        return run(T_OUT, sector, data, 0);
    }
}
