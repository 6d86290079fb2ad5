package dev.panamax.virtio.vsock;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One host-socket endpoint of the muxer and, once it has ports, one vsock stream: its state,
 * both directions' credit counters and the guest-to-host bytes the host socket has not taken
 * yet. Only the event loop thread touches it (the selector thread only hands its key over).
 * Counters are the protocol's free-running u32s, compared with wrapping arithmetic.
 */
final class Connection {
    enum State {
        /** A host process connected to uds_path; its {@code CONNECT <port>\n} line is being read. */
        AWAIT_CONNECT_LINE,
        /** Host-initiated: REQUEST (to be) sent to the guest, waiting for its RESPONSE. */
        AWAIT_GUEST,
        /** Guest-initiated: the non-blocking connect to {@code <uds_path>_<port>} is in progress. */
        AWAIT_HOST,
        ESTABLISHED,
        CLOSED
    }

    // Control packets owed to the guest, sent in this order before data.
    static final int SEND_REQUEST = 1;
    static final int SEND_RESPONSE = 2;
    static final int SEND_SHUTDOWN = 4;
    static final int SEND_CREDIT_UPDATE = 8;
    static final int SEND_CREDIT_REQUEST = 16;

    final SocketChannel channel;
    SelectionKey key;
    State state;
    /** The host end's vsock port and the guest end's; set once the stream exists. */
    int localPort;
    int peerPort;

    /** Connected through uds_path (its local port was allocated here), not by the guest. */
    boolean hostInitiated;
    /** Interest ops as last set on {@link #key}. */
    int interest;
    /** SEND_* bits. */
    int owed;
    /** Queued in the muxer's RX list. */
    boolean queued;

    /** The CONNECT line read so far (host-initiated, before the stream exists). */
    ByteBuffer line;

    // Host -> guest.
    /** Bytes sent to the guest. */
    int txCnt;
    int peerBufAlloc;
    int peerFwdCnt;
    /** The selector said readable and a read has not yet found the socket empty. */
    boolean hostReadable;
    /** The host stopped sending (read returned EOF). */
    boolean hostEof;
    /** A CREDIT_REQUEST went out since the guest last reported its credit. */
    boolean creditRequested;

    // Guest -> host.
    /** Guest payload bytes the host socket accepted (what the guest is told in fwd_cnt). */
    int fwdCnt;
    /** fwd_cnt as last sent to the guest. */
    int advertisedFwdCnt;
    /** Bytes for the host socket in read mode, or null when none wait; at most BUF_ALLOC of guest bytes. */
    ByteBuffer toHost;
    /** Leading bytes of {@link #toHost} that are the muxer's own (the OK line), not guest payload. */
    int ownBytes;
    /** The guest said it will send no more / receive no more (SHUTDOWN flags). */
    boolean peerShutSend;
    boolean peerShutRcv;
    /** The host socket was half-closed after the guest's SHUTDOWN(SEND). */
    boolean hostOutputShut;

    Connection(SocketChannel channel, State state) {
        this.channel = channel;
        this.state = state;
    }

    /** Bytes the guest may still be sent: its buf_alloc less what it has not yet forwarded. */
    long peerCredit() {
        long inFlight = Integer.toUnsignedLong(txCnt - peerFwdCnt);
        return Math.max(0, Integer.toUnsignedLong(peerBufAlloc) - inFlight);
    }

    /** Guest bytes received but not yet taken by the host socket. */
    int pendingToHost() {
        return toHost == null ? 0 : toHost.remaining() - ownBytes;
    }

    boolean canSendData() {
        return state == State.ESTABLISHED && hostReadable && !hostEof && !peerShutRcv && peerCredit() > 0;
    }

    boolean hasWork() {
        return owed != 0 || canSendData();
    }

    static long key(int localPort, int peerPort) {
        return ((long) localPort << 32) | Integer.toUnsignedLong(peerPort);
    }
}
