package dev.panamax.virtio.vsock;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * struct virtio_vsock_hdr (virtio 1.x, "Socket Device"), 44 bytes, little-endian, read and
 * written in a 44-byte scratch segment the device copies to and from the guest's buffers (a
 * header may straddle descriptors). Static accessors rather than a record: one header per
 * packet, so nothing is allocated per packet.
 */
final class Header {
    static final int SIZE = 44;

    static final int TYPE_STREAM = 1;

    static final int OP_REQUEST = 1;
    static final int OP_RESPONSE = 2;
    static final int OP_RST = 3;
    static final int OP_SHUTDOWN = 4;
    static final int OP_RW = 5;
    static final int OP_CREDIT_UPDATE = 6;
    static final int OP_CREDIT_REQUEST = 7;

    /** SHUTDOWN flags: the sender will receive no more / send no more. */
    static final int SHUTDOWN_RCV = 1;
    static final int SHUTDOWN_SEND = 2;

    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final long SRC_CID = 0;
    private static final long DST_CID = 8;
    private static final long SRC_PORT = 16;
    private static final long DST_PORT = 20;
    private static final long LEN = 24;
    private static final long TYPE = 28;
    private static final long OP = 30;
    private static final long FLAGS = 32;
    private static final long BUF_ALLOC = 36;
    private static final long FWD_CNT = 40;

    private Header() {}

    static long srcCid(MemorySegment h) {
        return h.get(U64, SRC_CID);
    }

    static long dstCid(MemorySegment h) {
        return h.get(U64, DST_CID);
    }

    static int srcPort(MemorySegment h) {
        return h.get(U32, SRC_PORT);
    }

    static int dstPort(MemorySegment h) {
        return h.get(U32, DST_PORT);
    }

    /** The payload length, unsigned. */
    static long len(MemorySegment h) {
        return Integer.toUnsignedLong(h.get(U32, LEN));
    }

    static int type(MemorySegment h) {
        return h.get(U16, TYPE) & 0xFFFF;
    }

    static int op(MemorySegment h) {
        return h.get(U16, OP) & 0xFFFF;
    }

    static int flags(MemorySegment h) {
        return h.get(U32, FLAGS);
    }

    static int bufAlloc(MemorySegment h) {
        return h.get(U32, BUF_ALLOC);
    }

    static int fwdCnt(MemorySegment h) {
        return h.get(U32, FWD_CNT);
    }

    /** Fills a whole header (type STREAM). */
    static void write(MemorySegment h, long srcCid, long dstCid, int srcPort, int dstPort, int len, int op, int flags,
            int bufAlloc, int fwdCnt) {
        h.set(U64, SRC_CID, srcCid);
        h.set(U64, DST_CID, dstCid);
        h.set(U32, SRC_PORT, srcPort);
        h.set(U32, DST_PORT, dstPort);
        h.set(U32, LEN, len);
        h.set(U16, TYPE, (short) TYPE_STREAM);
        h.set(U16, OP, (short) op);
        h.set(U32, FLAGS, flags);
        h.set(U32, BUF_ALLOC, bufAlloc);
        h.set(U32, FWD_CNT, fwdCnt);
    }
}
