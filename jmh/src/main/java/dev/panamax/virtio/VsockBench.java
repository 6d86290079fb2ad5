package dev.panamax.virtio;

import dev.panamax.memory.GuestMemory;
import dev.panamax.virtio.vsock.VsockDevice;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One 1 KiB vsock data packet through {@link VsockDevice#process} on an established stream to a
 * real Unix socket: guest to host (a TX chain of header and payload, written by the muxer into
 * the host socket, which the benchmark then reads) or host to guest (1 KiB written into the host
 * socket, read by the muxer into a posted RX chain of header and payload). The guest side keeps
 * its credit up as Linux does: a CREDIT_UPDATE through TX after each 128 KiB received, so its
 * cost is amortised over 128 receives.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VsockBench {
    private static final int PAYLOAD = 1024;
    private static final int HDR = 44;
    private static final long GUEST_CID = 3;
    private static final long HOST_CID = 2;
    private static final int GUEST_PORT = 50_000;
    private static final int HOST_PORT = 1234;
    private static final int GUEST_BUF_ALLOC = 256 * 1024;
    private static final int OP_REQUEST = 1, OP_RESPONSE = 2, OP_RW = 5, OP_CREDIT_UPDATE = 6;

    private static final long RX_HEADER = 0x10000;
    private static final long RX_DATA = 0x11000;
    private static final long TX_HEADER = 0x20000;
    private static final long TX_DATA = 0x21000;

    @Param({"tx", "rx"})
    public String direction;

    private final AtomicInteger wakes = new AtomicInteger();
    private final ByteBuffer hostBytes = ByteBuffer.allocateDirect(PAYLOAD);
    private Path dir;
    private GuestMemory memory;
    private BenchRing rx;
    private BenchRing tx;
    private VsockDevice vsock;
    private ServerSocketChannel listener;
    private SocketChannel host;
    /** Payload bytes the guest has received (its fwd_cnt) and as last told the device. */
    private int received;
    private int advertised;

    @Setup
    public void connect() throws Exception {
        dir = Files.createTempDirectory("vsock-bench");
        memory = GuestMemory.anonymous(List.of(new GuestMemory.Range(0, 1 << 20)));
        rx = new BenchRing(memory, 0);
        rx.descriptor(0, RX_HEADER, HDR, Descriptor.NEXT | Descriptor.WRITE, 1);
        rx.descriptor(1, RX_DATA, 4096, Descriptor.WRITE, 0);
        tx = new BenchRing(memory, BenchRing.SPAN);
        tx.descriptor(0, TX_HEADER, HDR, Descriptor.NEXT, 1);
        tx.descriptor(1, TX_DATA, PAYLOAD, 0, 0);
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(dir.resolve("v.sock_" + HOST_PORT)));
        vsock = VsockDevice.open(GUEST_CID, dir.resolve("v.sock"), wakes::incrementAndGet);
        vsock.activate(memory, 0, List.of(rx.queue, tx.queue, rx.queue));

        send(OP_REQUEST, 0);
        host = listener.accept();
        awaitRx(OP_RESPONSE, 0);
        if (direction.equals("rx")) {
            // The muxer reads a host socket once its selector has reported it readable; from
            // then on every read finds the next KiB, so the selector is not involved again.
            writeHost();
            awaitRx(OP_RW, PAYLOAD);
        } else {
            header(OP_RW, PAYLOAD);
        }
    }

    @TearDown
    public void close() throws IOException {
        vsock.close();
        host.close();
        listener.close();
        memory.close();
        Files.deleteIfExists(dir.resolve("v.sock_" + HOST_PORT));
        Files.deleteIfExists(dir);
    }

    /** Writes a guest packet header into the TX buffer and has the device process it. */
    private void send(int op, int len) throws VirtqueueException {
        header(op, len);
        submit();
    }

    /** The TX header: every RW of the tx benchmark sends the same one, written once. */
    private void header(int op, int len) {
        memory.writeU64(TX_HEADER, GUEST_CID);
        memory.writeU64(TX_HEADER + 8, HOST_CID);
        memory.writeU32(TX_HEADER + 16, GUEST_PORT);
        memory.writeU32(TX_HEADER + 20, HOST_PORT);
        memory.writeU32(TX_HEADER + 24, len);
        memory.writeU16(TX_HEADER + 28, (short) 1);
        memory.writeU16(TX_HEADER + 30, (short) op);
        memory.writeU32(TX_HEADER + 32, 0);
        memory.writeU32(TX_HEADER + 36, GUEST_BUF_ALLOC);
        memory.writeU32(TX_HEADER + 40, received);
        advertised = received;
    }

    private void submit() throws VirtqueueException {
        tx.offer();
        if (!vsock.process(VsockDevice.TX, tx.queue)) {
            throw new IllegalStateException("the device used no TX chain");
        }
    }

    /** Offers the RX chain until the device fills it with a packet of {@code op} and {@code len} (set-up only). */
    private void awaitRx(int op, int len) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        rx.offer();
        while (!vsock.process(VsockDevice.RX, rx.queue)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no packet for the guest within 10 s");
            }
            Thread.sleep(1);
        }
        int gotOp = memory.readU16(RX_HEADER + 30);
        int gotLen = memory.readU32(RX_HEADER + 24);
        if (gotOp != op || gotLen != len || rx.lastUsedLength() != HDR + len) {
            throw new IllegalStateException("expected op " + op + " len " + len + ", got op " + gotOp + " len " + gotLen);
        }
        received += len;
    }

    private void writeHost() throws IOException {
        hostBytes.clear();
        while (hostBytes.hasRemaining()) {
            host.write(hostBytes);
        }
    }

    @Benchmark
    public int packet() throws Exception {
        if (direction.equals("tx")) {
            submit();
            hostBytes.clear();
            while (hostBytes.hasRemaining()) {
                if (host.read(hostBytes) < 0) {
                    throw new IllegalStateException("the host socket was closed");
                }
            }
            return hostBytes.get(0);
        }
        writeHost();
        rx.offer();
        if (!vsock.process(VsockDevice.RX, rx.queue) || rx.lastUsedLength() != HDR + PAYLOAD) {
            throw new IllegalStateException("the device filled no RX chain with the host's KiB");
        }
        received += PAYLOAD;
        if (received - advertised >= GUEST_BUF_ALLOC / 2) {
            send(OP_CREDIT_UPDATE, 0);
        }
        return received;
    }
}
