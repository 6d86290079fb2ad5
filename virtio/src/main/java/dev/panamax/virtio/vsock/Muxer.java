package dev.panamax.virtio.vsock;

import dev.panamax.device.Counter;
import dev.panamax.memory.GuestMemory;
import dev.panamax.memory.GuestMemoryException;
import dev.panamax.virtio.DescriptorChain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host side of the vsock device, Firecracker's convention: host processes connect to the
 * Unix socket {@code uds_path} and write {@code CONNECT <port>\n}; a guest connecting to the
 * host's port P reaches whoever listens on {@code <uds_path>_<P>}. It turns guest packets into
 * host socket I/O and host readiness into packets for the guest, with both directions'
 * credit enforced.
 *
 * <p>Threads: the {@code vsock-io} thread only waits in {@link Selector#select()}; when keys are
 * ready it hands them over, calls {@code wake} (the VMM signals an eventfd whose handler
 * processes the RX queue) and waits until the event loop has taken them. Everything else
 * (accepting, reading, writing, connection state, interest ops) happens on the event loop
 * thread, under the transport's device lock, so no state here is shared; the one exchange is
 * the hand-over list, published by a volatile flag and returned by a semaphore, and while the
 * selector thread waits it cannot report the same readiness twice (no busy loop).
 */
final class Muxer implements AutoCloseable {
    /** VMADDR_CID_HOST. */
    static final long HOST_CID = 2;
    /** The host's receive window per stream: the most guest bytes it ever holds for a slow host socket. */
    static final int BUF_ALLOC = 256 * 1024;
    /** The largest payload of one packet either way (Linux's VIRTIO_VSOCK_MAX_PKT_BUF_SIZE). */
    static final int MAX_PAYLOAD = 64 * 1024;
    /** Host sockets open at once, streams and pending CONNECT lines together. */
    static final int MAX_CONNECTIONS = 4096;
    /** Host-initiated streams get local ports from here up (Firecracker's convention). */
    static final int FIRST_HOST_PORT = 1 << 30;
    /** The longest CONNECT line, newline included. */
    static final int MAX_LINE = 32;
    /** RSTs waiting for RX buffers; past this a guest that gives none loses them. */
    private static final int MAX_RESETS = 1024;
    /** Host connects waiting to be accepted (the kernel caps it at somaxconn). */
    private static final int BACKLOG = 1024;
    private static final int INITIAL_TO_HOST = 16 * 1024;
    private static final Pattern CONNECT = Pattern.compile("CONNECT ([0-9]{1,10})\n");
    /** The longest a host connect waits for the guest to handle a transport reset (see {@link #holdRequests}). */
    static final long REQUEST_HOLD_NANOS = 5_000_000_000L;

    private static final Logger LOG = LoggerFactory.getLogger(Muxer.class);

    private final long guestCid;
    private final Path udsPath;
    private final Runnable wake;
    private final Selector selector;
    private final ServerSocketChannel listener;
    private final Thread selectorThread;

    // The hand-over: the selector thread fills `ready`, sets readyPublished, and waits on `taken`.
    private final List<SelectionKey> ready = new ArrayList<>();
    private volatile boolean readyPublished;
    private final Semaphore taken = new Semaphore(0);
    private volatile boolean closed;
    /**
     * While a restored guest has not yet handled TRANSPORT_RESET: when host connects may send
     * their REQUEST anyway ({@link System#nanoTime}); 0 when none are held. Written on the event
     * loop; the selector thread reads it to wake the loop at that time.
     */
    private volatile long requestsHeldUntil;

    // Event loop state.
    private final Set<Connection> open = new HashSet<>();
    /** Streams by {@link Connection#key}: looked up per packet, so a map that boxes no key. */
    private final LongMap<Connection> streams = new LongMap<>();
    private final Set<Integer> hostPorts = new HashSet<>();
    private final ArrayDeque<Connection> rxQueue = new ArrayDeque<>();
    private final long[] resets = new long[MAX_RESETS];
    private int resetHead;
    private int resetCount;
    private int nextHostPort = FIRST_HOST_PORT;
    private boolean interestChanged;
    private final MemorySegment rxHeader = MemorySegment.ofArray(new byte[Header.SIZE]);
    /** Views of TX payloads (gathered into host sockets) and RX buffers (host sockets read into). */
    private final ChainViews txViews = new ChainViews(false);
    private final ChainViews rxViews = new ChainViews(true);

    // Firecracker's vsock metrics, counted on the event loop under the device lock (one writer).
    // rx is towards the guest, tx from it; bytes are payload bytes.
    final Counter rxPackets = new Counter();
    final Counter rxBytes = new Counter();
    final Counter txPackets = new Counter();
    final Counter txBytes = new Counter();
    /** Streams set up, from either side. */
    final Counter connsAdded = new Counter();
    /** Streams gone, however they ended. */
    final Counter connsRemoved = new Counter();
    /** Streams the host ended with an RST (a refused or failed host socket, a protocol violation). */
    final Counter connsKilled = new Counter();
    /** Host socket reads for the guest that failed. */
    final Counter rxReadFails = new Counter();
    /** Host socket writes of the guest's bytes that failed. */
    final Counter txWriteFails = new Counter();

    private Muxer(long guestCid, Path udsPath, Runnable wake, Selector selector, ServerSocketChannel listener,
            String threadName) {
        this.guestCid = guestCid;
        this.udsPath = udsPath;
        this.wake = wake;
        this.selector = selector;
        this.listener = listener;
        this.selectorThread = Thread.ofPlatform().name(threadName).daemon().unstarted(this::selectLoop);
    }

    /**
     * Listens on {@code udsPath}.
     *
     * @throws IllegalArgumentException when its directory is missing or the path exists
     * @throws UncheckedIOException     when it cannot be bound
     */
    static Muxer open(long guestCid, Path udsPath, Runnable wake, String threadName) {
        Path dir = udsPath.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("uds_path " + udsPath + ": directory does not exist");
        }
        if (Files.exists(udsPath, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("uds_path " + udsPath + ": already exists");
        }
        Selector selector = null;
        ServerSocketChannel listener = null;
        try {
            selector = Selector.open();
            listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            listener.bind(UnixDomainSocketAddress.of(udsPath), BACKLOG);
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
            Muxer muxer = new Muxer(guestCid, udsPath, wake, selector, listener, threadName);
            muxer.selectorThread.start();
            return muxer;
        } catch (IOException e) {
            closeQuietly(listener);
            closeQuietly(selector);
            try {
                if (listener != null) {
                    Files.deleteIfExists(udsPath);
                }
            } catch (IOException ignored) {
                // The bind error is the one to report.
            }
            throw new UncheckedIOException("uds_path " + udsPath + ": cannot listen: " + e.getMessage(), e);
        }
    }

    // ---- the selector thread ----

    private void selectLoop() {
        try {
            while (!closed) {
                long heldUntil = requestsHeldUntil;
                if (heldUntil == 0) {
                    selector.select();
                } else {
                    long heldFor = heldUntil - System.nanoTime();
                    if (heldFor > 0) {
                        selector.select(Math.max(1, heldFor / 1_000_000));
                    } else {
                        wake.run(); // the event loop lets the held REQUESTs go (pollHost)
                        selector.select();
                    }
                }
                Set<SelectionKey> selected = selector.selectedKeys();
                if (closed || selected.isEmpty()) {
                    continue;
                }
                ready.addAll(selected);
                selected.clear();
                readyPublished = true;
                wake.run();
                taken.acquire();
            }
        } catch (IOException | ClosedSelectorException e) {
            if (!closed) {
                LOG.warn("vsock {}: selector failed; host sockets are no longer served", udsPath, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("vsock {}: selector thread failed", udsPath, e);
            try {
                wake.run();
            } catch (RuntimeException ignored) {
                // Already failing.
            }
        }
    }

    // ---- event loop: host readiness ----

    /** Takes what the selector thread handed over, if anything: accepts, reads, writes, connects. */
    void pollHost() {
        long heldUntil = requestsHeldUntil;
        if (heldUntil != 0 && heldUntil - System.nanoTime() <= 0) {
            LOG.debug("vsock {}: the guest did not re-post an event buffer in time; host connects go on", udsPath);
            releaseRequests();
        }
        if (!readyPublished) {
            return;
        }
        readyPublished = false;
        try {
            for (int i = 0; i < ready.size(); i++) { // indexed: no iterator per hand-over
                SelectionKey key = ready.get(i);
                if (!key.isValid()) {
                    continue; // closed earlier in this batch
                }
                if (key.channel() == listener) {
                    accept();
                } else {
                    hostReady((Connection) key.attachment(), key.readyOps());
                }
            }
        } finally {
            ready.clear();
            taken.release();
        }
    }

    private void accept() {
        while (true) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException e) {
                LOG.warn("vsock {}: accept failed: {}", udsPath, e.toString());
                return;
            }
            if (channel == null) {
                return;
            }
            if (open.size() >= MAX_CONNECTIONS) {
                LOG.debug("vsock {}: {} connections open; refusing another", udsPath, open.size());
                closeQuietly(channel);
                continue;
            }
            Connection c = new Connection(channel, Connection.State.AWAIT_CONNECT_LINE);
            c.line = ByteBuffer.allocate(MAX_LINE);
            if (register(c)) {
                settle(c);
            }
        }
    }

    private boolean register(Connection c) {
        try {
            c.channel.configureBlocking(false);
            c.key = c.channel.register(selector, 0, c);
            open.add(c);
            return true;
        } catch (IOException e) {
            LOG.debug("vsock {}: cannot register a host socket: {}", udsPath, e.toString());
            closeQuietly(c.channel);
            c.state = Connection.State.CLOSED;
            return false;
        }
    }

    private void hostReady(Connection c, int readyOps) {
        if ((readyOps & SelectionKey.OP_CONNECT) != 0 && c.state == Connection.State.AWAIT_HOST) {
            finishConnect(c);
        }
        if ((readyOps & SelectionKey.OP_READ) != 0) {
            if (c.state == Connection.State.AWAIT_CONNECT_LINE) {
                readConnectLine(c);
            } else if (c.state == Connection.State.ESTABLISHED) {
                c.hostReadable = true;
            }
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0 && c.state == Connection.State.ESTABLISHED) {
            flushToHost(c);
        }
        settle(c);
    }

    /** Reads the CONNECT line a byte at a time, so nothing after its newline is consumed. */
    private void readConnectLine(Connection c) {
        ByteBuffer line = c.line;
        try {
            while (line.position() < MAX_LINE) {
                line.limit(line.position() + 1);
                int n = c.channel.read(line);
                if (n < 0) {
                    close(c);
                    return;
                }
                if (n == 0) {
                    return;
                }
                if (line.get(line.position() - 1) == '\n') {
                    connectLine(c, new String(line.array(), 0, line.position(), StandardCharsets.US_ASCII));
                    return;
                }
            }
        } catch (IOException e) {
            close(c);
            return;
        }
        LOG.debug("vsock {}: CONNECT line longer than {} bytes; closed", udsPath, MAX_LINE);
        close(c);
    }

    private void connectLine(Connection c, String text) {
        Matcher m = CONNECT.matcher(text);
        long port = m.matches() ? Long.parseLong(m.group(1)) : -1;
        if (port < 0 || port > 0xFFFF_FFFFL) {
            LOG.debug("vsock {}: bad CONNECT line {}; closed", udsPath, text.strip());
            close(c);
            return;
        }
        c.line = null;
        c.localPort = allocateHostPort();
        c.peerPort = (int) port;
        c.state = Connection.State.AWAIT_GUEST;
        c.hostInitiated = true;
        c.owed |= Connection.SEND_REQUEST;
        hostPorts.add(c.localPort);
        streams.put(Connection.key(c.localPort, c.peerPort), c);
        connsAdded.increment();
    }

    /**
     * After a restore, host connections take ports from a random point of [2^30, 2^32), not
     * from {@link #FIRST_HOST_PORT}: until the guest has handled the transport reset it still
     * holds the old process's connections (ports from there on), and Linux silently drops a
     * REQUEST naming an established connection, so a reused port would leave the host's CONNECT
     * unanswered. Event loop thread, or before it runs.
     */
    void avoidPortsOfBeforeRestore() {
        nextHostPort = (int) (FIRST_HOST_PORT + ThreadLocalRandom.current().nextLong(3L << 30));
    }

    /**
     * The restored guest was sent TRANSPORT_RESET: host connects keep their REQUEST until it has
     * handled it ({@link #guestHandledReset}), at most {@link #REQUEST_HOLD_NANOS}. The guest's
     * driver resets every connected socket when it handles the event, so a stream set up before
     * that would be reset with the old ones. Event loop thread, or before it runs.
     */
    void holdRequests() {
        requestsHeldUntil = System.nanoTime() + REQUEST_HOLD_NANOS;
        selector.wakeup(); // to select with the deadline
    }

    /** The guest re-posted its event buffer, so it has handled the transport reset. Event loop thread. */
    void guestHandledReset() {
        if (requestsHeldUntil != 0) {
            releaseRequests();
        }
    }

    private void releaseRequests() {
        requestsHeldUntil = 0;
        for (Connection c : open) {
            settle(c);
        }
        if (!rxQueue.isEmpty()) {
            wake.run();
        }
    }

    /** The next free port from {@link #FIRST_HOST_PORT}, wrapping within [2^30, 2^32). */
    private int allocateHostPort() {
        while (true) {
            int port = nextHostPort;
            nextHostPort = nextHostPort + 1 == 0 ? FIRST_HOST_PORT : nextHostPort + 1;
            if (!hostPorts.contains(port)) {
                return port;
            }
        }
    }

    private void finishConnect(Connection c) {
        try {
            if (c.channel.finishConnect()) {
                established(c);
            }
        } catch (IOException e) {
            LOG.debug("vsock {}: connect to {} failed: {}", udsPath, listenerPath(c.localPort), e.toString());
            reset(c);
        }
    }

    private void established(Connection c) {
        c.state = Connection.State.ESTABLISHED;
        if (c.hostInitiated) {
            byte[] ok = ("OK " + Integer.toUnsignedString(c.localPort) + "\n").getBytes(StandardCharsets.US_ASCII);
            ByteBuffer b = room(c, ok.length);
            b.put(ok).flip();
            c.ownBytes = ok.length;
            flushToHost(c);
        } else {
            c.owed |= Connection.SEND_RESPONSE;
        }
    }

    // ---- event loop: guest packets (TX) ----

    /**
     * One packet from the guest: {@code header} holds its header, {@code payloadBytes} how many
     * readable bytes follow it in {@code chain}. Protocol violations reset the stream; nothing
     * the guest sends makes this throw.
     */
    void guestPacket(MemorySegment header, long payloadBytes, DescriptorChain chain, GuestMemory memory) {
        txPackets.increment();
        if (Header.dstCid(header) != HOST_CID || Header.srcCid(header) != guestCid) {
            LOG.debug("vsock {}: packet from cid {} to cid {} dropped", udsPath, Header.srcCid(header), Header.dstCid(header));
            return;
        }
        int op = Header.op(header);
        int localPort = Header.dstPort(header);
        int peerPort = Header.srcPort(header);
        Connection c = streams.get(Connection.key(localPort, peerPort));
        if (op == Header.OP_RST) {
            if (c != null) {
                close(c); // never answered: two RSTs must not ping-pong
            }
            return;
        }
        if (Header.type(header) != Header.TYPE_STREAM) {
            resetOrRefuse(c, localPort, peerPort);
            return;
        }
        if (c == null) {
            if (op == Header.OP_REQUEST) {
                guestConnect(localPort, peerPort, header);
            } else {
                queueReset(localPort, peerPort);
            }
            return;
        }
        c.peerBufAlloc = Header.bufAlloc(header);
        c.peerFwdCnt = Header.fwdCnt(header);
        c.creditRequested = false;
        switch (op) {
            case Header.OP_RESPONSE -> {
                if (c.state == Connection.State.AWAIT_GUEST && (c.owed & Connection.SEND_REQUEST) == 0) {
                    established(c);
                } else {
                    reset(c);
                }
            }
            case Header.OP_RW -> guestData(c, Header.len(header), payloadBytes, chain, memory);
            case Header.OP_SHUTDOWN -> guestShutdown(c, Header.flags(header));
            case Header.OP_CREDIT_UPDATE -> {
                // The credit fields above were the point.
            }
            case Header.OP_CREDIT_REQUEST -> c.owed |= Connection.SEND_CREDIT_UPDATE;
            default -> reset(c); // a second REQUEST, or an op that does not exist
        }
        settle(c);
    }

    private void resetOrRefuse(Connection c, int localPort, int peerPort) {
        if (c != null) {
            reset(c);
        } else {
            queueReset(localPort, peerPort);
        }
    }

    private void guestConnect(int localPort, int peerPort, MemorySegment header) {
        if (open.size() >= MAX_CONNECTIONS) {
            queueReset(localPort, peerPort);
            return;
        }
        Path target = listenerPath(localPort);
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            LOG.warn("vsock {}: cannot open a socket: {}", udsPath, e.toString());
            queueReset(localPort, peerPort);
            return;
        }
        Connection c = new Connection(channel, Connection.State.AWAIT_HOST);
        c.localPort = localPort;
        c.peerPort = peerPort;
        c.peerBufAlloc = Header.bufAlloc(header);
        c.peerFwdCnt = Header.fwdCnt(header);
        if (!register(c)) {
            queueReset(localPort, peerPort);
            return;
        }
        streams.put(Connection.key(localPort, peerPort), c);
        connsAdded.increment();
        try {
            if (channel.connect(UnixDomainSocketAddress.of(target))) {
                established(c);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("vsock {}: guest port {} to {}: {}", udsPath, Integer.toUnsignedString(peerPort), target, e.toString());
            reset(c);
            return;
        }
        settle(c);
    }

    private Path listenerPath(int port) {
        return Path.of(udsPath + "_" + Integer.toUnsignedString(port));
    }

    private void guestData(Connection c, long len, long payloadBytes, DescriptorChain chain, GuestMemory memory) {
        if (c.state != Connection.State.ESTABLISHED || c.peerShutSend || len > payloadBytes || len > MAX_PAYLOAD) {
            LOG.debug("vsock {}: RW of {} bytes on port {} in state {} refused", udsPath, len,
                    Integer.toUnsignedString(c.localPort), c.state);
            reset(c);
            return;
        }
        if (len > BUF_ALLOC - c.pendingToHost()) {
            LOG.debug("vsock {}: guest port {} sent {} bytes past the host's credit; reset", udsPath,
                    Integer.toUnsignedString(c.peerPort), len);
            reset(c);
            return;
        }
        if (len == 0) {
            return;
        }
        txBytes.add(len);
        ChainViews payload;
        try {
            payload = txViews.of(memory, chain, Header.SIZE, Header.SIZE + len);
        } catch (GuestMemoryException e) {
            LOG.debug("vsock {}: RW payload outside guest memory: {}", udsPath, e.getMessage());
            reset(c);
            return;
        }
        if (c.toHost == null) {
            long written;
            try {
                written = payload.writeTo(c.channel);
            } catch (IOException e) {
                txWriteFails.increment();
                reset(c);
                return;
            }
            c.fwdCnt += (int) written;
            if (written == len) {
                creditUpdateIfDue(c);
                return;
            }
        }
        // The host socket is slow: keep the rest (bounded by the credit check above).
        ByteBuffer b = room(c, (int) payload.remaining());
        payload.copyRemainingTo(b);
        b.flip();
        creditUpdateIfDue(c);
    }

    /** {@link Connection#toHost} in write mode with room for {@code n} more bytes. */
    private static ByteBuffer room(Connection c, int n) {
        ByteBuffer b = c.toHost;
        if (b == null) {
            b = ByteBuffer.allocate(Math.max(n, INITIAL_TO_HOST));
        } else {
            b.compact();
            if (b.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.position() + n, Math.min(2 * b.capacity(), BUF_ALLOC + MAX_LINE)));
                b.flip();
                bigger.put(b);
                b = bigger;
            }
        }
        c.toHost = b;
        return b;
    }

    private void flushToHost(Connection c) {
        ByteBuffer b = c.toHost;
        if (b != null) {
            int n;
            try {
                n = c.channel.write(b);
            } catch (IOException e) {
                txWriteFails.increment();
                reset(c);
                return;
            }
            int own = Math.min(n, c.ownBytes);
            c.ownBytes -= own;
            c.fwdCnt += n - own;
            if (!b.hasRemaining()) {
                c.toHost = null;
            }
            creditUpdateIfDue(c);
        }
        afterGuestShutdown(c);
    }

    /** Past half the window consumed since the guest last heard: tell it, so it never stalls. */
    private static void creditUpdateIfDue(Connection c) {
        if (Integer.toUnsignedLong(c.fwdCnt - c.advertisedFwdCnt) >= BUF_ALLOC / 2) {
            c.owed |= Connection.SEND_CREDIT_UPDATE;
        }
    }

    private void guestShutdown(Connection c, int flags) {
        if (c.state != Connection.State.ESTABLISHED) {
            reset(c);
            return;
        }
        c.peerShutRcv |= (flags & Header.SHUTDOWN_RCV) != 0;
        c.peerShutSend |= (flags & Header.SHUTDOWN_SEND) != 0;
        afterGuestShutdown(c);
    }

    /**
     * Once the guest's bytes are all with the host: a guest that will send no more half-closes
     * the host socket; one that will neither send nor receive gets its RST (Linux waits for it).
     */
    private void afterGuestShutdown(Connection c) {
        if (c.state != Connection.State.ESTABLISHED || c.toHost != null || !c.peerShutSend) {
            return;
        }
        if (c.peerShutRcv) {
            closeWithRst(c);
        } else if (!c.hostOutputShut) {
            c.hostOutputShut = true;
            try {
                c.channel.shutdownOutput();
            } catch (IOException e) {
                LOG.debug("vsock {}: shutdown of the host socket failed: {}", udsPath, e.toString());
            }
        }
    }

    // ---- event loop: packets for the guest (RX) ----

    /** Whether anything waits for an RX buffer. */
    boolean hasRxWork() {
        return resetCount > 0 || !rxQueue.isEmpty();
    }

    /**
     * Writes the next packet into an RX chain's writable buffers, which must hold at least a
     * header and be wholly guest RAM (the caller checked).
     *
     * @return the bytes written, or 0 when nothing was left to send (the chain stays unused)
     */
    int emit(DescriptorChain chain, long capacity, GuestMemory memory) {
        if (resetCount > 0) {
            long key = resets[resetHead];
            resetHead = (resetHead + 1) % MAX_RESETS;
            resetCount--;
            rxPackets.increment();
            return writeHeader(chain, memory, (int) (key >>> 32), (int) key, 0, Header.OP_RST, 0, 0, 0);
        }
        // Each queued stream gets one look: one that cannot use this chain goes to the back.
        Connection c;
        for (int budget = rxQueue.size(); budget > 0 && (c = rxQueue.poll()) != null; budget--) {
            c.queued = false;
            if (c.state == Connection.State.CLOSED) {
                continue;
            }
            int n = emitFor(c, chain, capacity, memory);
            settle(c);
            if (n > 0) {
                return n;
            }
        }
        return resetCount > 0 ? emit(chain, capacity, memory) : 0;
    }

    private int emitFor(Connection c, DescriptorChain chain, long capacity, GuestMemory memory) {
        int op = 0;
        int flags = 0;
        int len = 0;
        if ((c.owed & Connection.SEND_REQUEST) != 0) {
            c.owed &= ~Connection.SEND_REQUEST;
            op = Header.OP_REQUEST;
        } else if ((c.owed & Connection.SEND_RESPONSE) != 0) {
            c.owed &= ~Connection.SEND_RESPONSE;
            op = Header.OP_RESPONSE;
        } else if (c.canSendData()) {
            long max = Math.min(Math.min(capacity - Header.SIZE, MAX_PAYLOAD), c.peerCredit());
            long n;
            try {
                n = max == 0 ? 0 : rxViews.of(memory, chain, Header.SIZE, Header.SIZE + max).readFrom(c.channel);
            } catch (IOException e) {
                rxReadFails.increment();
                reset(c);
                return 0;
            }
            if (n > 0) {
                op = Header.OP_RW;
                len = (int) n;
                c.txCnt += len;
                if (c.peerCredit() == 0 && !c.creditRequested) {
                    c.owed |= Connection.SEND_CREDIT_REQUEST;
                    c.creditRequested = true;
                }
            } else if (n < 0) {
                c.hostEof = true;
                c.owed |= Connection.SEND_SHUTDOWN;
            } else if (max > 0) {
                c.hostReadable = false;
            }
        }
        if (op == 0) {
            if ((c.owed & Connection.SEND_SHUTDOWN) != 0) {
                op = Header.OP_SHUTDOWN;
                flags = Header.SHUTDOWN_SEND;
            } else if ((c.owed & Connection.SEND_CREDIT_UPDATE) != 0) {
                op = Header.OP_CREDIT_UPDATE;
            } else if ((c.owed & Connection.SEND_CREDIT_REQUEST) != 0) {
                op = Header.OP_CREDIT_REQUEST;
            } else {
                return 0;
            }
            c.owed &= ~(op == Header.OP_SHUTDOWN ? Connection.SEND_SHUTDOWN
                    : op == Header.OP_CREDIT_UPDATE ? Connection.SEND_CREDIT_UPDATE : Connection.SEND_CREDIT_REQUEST);
        }
        // Every packet carries fwd_cnt, so it is also the credit update.
        c.advertisedFwdCnt = c.fwdCnt;
        c.owed &= ~Connection.SEND_CREDIT_UPDATE;
        rxPackets.increment();
        rxBytes.add(len);
        return writeHeader(chain, memory, c.localPort, c.peerPort, len, op, flags, BUF_ALLOC, c.fwdCnt) + len;
    }

    private int writeHeader(DescriptorChain chain, GuestMemory memory, int localPort, int peerPort, int len, int op,
            int flags, int bufAlloc, int fwdCnt) {
        Header.write(rxHeader, HOST_CID, guestCid, localPort, peerPort, len, op, flags, bufAlloc, fwdCnt);
        ChainBytes.write(memory, chain, true, 0, rxHeader);
        return Header.SIZE;
    }

    // ---- event loop: bookkeeping ----

    /** After any change to {@code c}: queue it for RX if it has something to send, and fix its interest. */
    private void settle(Connection c) {
        if (c.state == Connection.State.CLOSED) {
            return;
        }
        if (!c.queued && c.hasWork() && !(requestsHeldUntil != 0 && (c.owed & Connection.SEND_REQUEST) != 0)) {
            c.queued = true;
            rxQueue.add(c);
        }
        int ops = switch (c.state) {
            case AWAIT_CONNECT_LINE -> SelectionKey.OP_READ;
            case AWAIT_HOST -> SelectionKey.OP_CONNECT;
            case ESTABLISHED -> (c.hostReadable || c.hostEof || c.peerShutRcv ? 0 : SelectionKey.OP_READ)
                    | (c.toHost != null ? SelectionKey.OP_WRITE : 0);
            default -> 0;
        };
        updateInterest(c, ops);
    }

    private void updateInterest(Connection c, int ops) {
        if (ops != c.interest) {
            c.key.interestOps(ops);
            c.interest = ops;
            interestChanged = true;
        }
    }

    /** Interest changes reach a selector already waiting only after a wakeup; one per pass. */
    void flushInterest() {
        if (interestChanged) {
            interestChanged = false;
            selector.wakeup();
        }
    }

    /** Closes the stream's host socket and tells the guest with an RST. */
    private void reset(Connection c) {
        if (c.state != Connection.State.AWAIT_CONNECT_LINE && c.state != Connection.State.CLOSED) {
            connsKilled.increment();
        }
        closeWithRst(c);
    }

    /** {@link #reset} for a stream that ended as agreed (both sides shut down): not a kill. */
    private void closeWithRst(Connection c) {
        boolean hadPorts = c.state != Connection.State.AWAIT_CONNECT_LINE;
        close(c);
        if (hadPorts) {
            queueReset(c.localPort, c.peerPort);
        }
    }

    private void queueReset(int localPort, int peerPort) {
        if (resetCount == MAX_RESETS) {
            LOG.debug("vsock {}: {} RSTs already wait for RX buffers; one dropped", udsPath, MAX_RESETS);
            return;
        }
        resets[(resetHead + resetCount) % MAX_RESETS] = Connection.key(localPort, peerPort);
        resetCount++;
    }

    /** Closes the host socket; the stream is forgotten without a word to the guest. */
    private void close(Connection c) {
        if (c.state == Connection.State.CLOSED) {
            return;
        }
        if (c.state != Connection.State.AWAIT_CONNECT_LINE) {
            connsRemoved.increment();
            streams.remove(Connection.key(c.localPort, c.peerPort));
            if (c.hostInitiated) {
                hostPorts.remove(c.localPort);
            }
        }
        c.state = Connection.State.CLOSED;
        c.toHost = null;
        c.line = null;
        open.remove(c);
        if (c.key != null) {
            c.key.cancel();
        }
        // A registered channel's close waits for the selector; shutting it down first lets
        // the host process see the end at once.
        try {
            c.channel.shutdownInput();
            c.channel.shutdownOutput();
        } catch (IOException ignored) {
            // Not connected, or already gone: closing is all there is to do.
        }
        closeQuietly(c.channel);
        interestChanged = true;
    }

    /**
     * Streams and hand-over state for a stall report (read under the device lock by
     * {@code VirtioMmioDevice.describe}, or racily if that lock was busy).
     */
    String describe() {
        StringBuilder b = new StringBuilder("vsock: ").append(open.size()).append(" host sockets, ")
                .append(streams.size()).append(" streams, rx queue ").append(rxQueue.size()).append(", RSTs due ")
                .append(resetCount).append(", selector hand-over ").append(readyPublished ? "waiting for the event loop" : "idle")
                .append(" (selector thread ").append(selectorThread.getState()).append(')');
        int shown = 0;
        for (Connection c : List.copyOf(open)) {
            if (shown++ == 8) {
                b.append("\n...");
                break;
            }
            b.append("\nhost:").append(c.localPort).append(" guest:").append(c.peerPort).append(' ').append(c.state)
                    .append(c.hostInitiated ? " host-initiated" : "").append(" queued ").append(c.queued)
                    .append(" owed ").append(c.owed).append(" host_readable ").append(c.hostReadable)
                    .append(" interest ").append(c.interest).append(" peer_credit ").append(c.peerCredit())
                    .append(" to_host ").append(c.toHost == null ? 0 : c.toHost.remaining());
        }
        return b.toString();
    }

    /** The driver activated the device: guest buffers are viewed in {@code memory} from now on. Event loop thread. */
    void activate(GuestMemory memory) {
        txViews.use(memory.bufferWindows());
        rxViews.use(memory.bufferWindows());
    }

    /** The driver reset the device: every stream is gone; the listener stays. */
    void dropAll() {
        txViews.use(null);
        rxViews.use(null);
        for (Connection c : List.copyOf(open)) {
            close(c);
        }
        rxQueue.clear();
        requestsHeldUntil = 0;
        resetCount = 0;
        resetHead = 0;
        flushInterest();
    }

    /** Host sockets open (streams and pending CONNECT lines). */
    int openConnections() {
        return open.size();
    }

    /** Guest bytes held for slow host sockets, over all streams. */
    long bufferedToHost() {
        long n = 0;
        for (Connection c : open) {
            n += c.toHost == null ? 0 : c.toHost.capacity();
        }
        return n;
    }

    /** Stops the selector thread, closes every socket and removes {@code uds_path}. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        selector.wakeup();
        taken.release();
        try {
            selectorThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Connection c : List.copyOf(open)) {
            close(c);
        }
        closeQuietly(listener);
        closeQuietly(selector);
        try {
            Files.deleteIfExists(udsPath);
        } catch (IOException e) {
            LOG.warn("vsock: cannot remove {}: {}", udsPath, e.toString());
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // Closing on the way out; nothing to add.
        }
    }
}
