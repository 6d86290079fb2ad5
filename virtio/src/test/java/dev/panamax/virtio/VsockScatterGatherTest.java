package dev.panamax.virtio;

import dev.panamax.memory.GuestMemory;
import dev.panamax.virtio.DriverQueue.Buf;
import dev.panamax.virtio.VsockGuest.Packet;
import dev.panamax.virtio.vsock.VsockDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static dev.panamax.virtio.VsockGuest.CID;
import static dev.panamax.virtio.VsockGuest.HDR;
import static dev.panamax.virtio.VsockGuest.HOST;
import static dev.panamax.virtio.VsockGuest.REQUEST;
import static dev.panamax.virtio.VsockGuest.RESPONSE;
import static dev.panamax.virtio.VsockGuest.RW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stream's payload split across many descriptors, each way, in a guest of 2.5 GiB: buffers in
 * the three 1 GiB-apart ByteBuffer windows of its RAM, interleaved, several in one window, one
 * across a window's start, the header itself split. Socket I/O goes through one view per
 * descriptor at once, so any view that moved another's bounds would corrupt the bytes. RX
 * payload pages are marked dirty for a diff snapshot, TX payload pages are not.
 */
class VsockScatterGatherTest {
    private static final long GIB = 1L << 30;
    private static final long RAM = 5 * GIB / 2;
    private static final int GUEST_PORT = 1234;
    private static final int HOST_PORT = 6000;

    @TempDir
    Path tmp;
    private final Semaphore wakes = new Semaphore(0);
    private VsockDevice vsock;
    private MockDriver driver;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    /** {@code [address, length]} pairs: payload buffers, in chain order, across windows 0, 1 and 2. */
    private static final long[][] TX_PAYLOAD = {
        {GIB - 1000, 3000}, // across the 1 GiB mark, in window 0
        {GIB + 4096, 2500}, // window 1
        {0x20_0000, 1500}, // window 0 again
        {2 * GIB + 123, 2000}, // window 2
        {GIB + 0x10_0000, 1240}, // window 1 again
    };
    private static final long[][] RX_PAYLOAD = {
        {2 * GIB - 1500, 3000}, // across the 2 GiB mark, in window 1
        {0x30_0000 + 7, 2000}, // window 0
        {2 * GIB + 0x10_0000, 2048}, // window 2
        {GIB + 0x20_0000, 3192}, // window 1 again
    };

    @Test
    @Timeout(60) // a device that lost bytes leaves the host's read waiting
    void payloadsSplitAcrossWindowsArriveWholeEachWay() throws Exception {
        GuestMemory memory = GuestMemory.anonymous(List.of(new GuestMemory.Range(0, RAM)), true);
        vsock = VsockDevice.open(CID, tmp.resolve("v.sock"), wakes::release);
        driver = new MockDriver(vsock, memory, true);
        closing.add(driver);
        closing.add(vsock);
        driver.probe(MockDriver.VERSION_1, 3, 256);
        DriverQueue rx = driver.queue(VsockDevice.RX);
        DriverQueue tx = driver.queue(VsockDevice.TX);
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        closing.add(listener);
        listener.bind(UnixDomainSocketAddress.of(tmp.resolve("v.sock_" + HOST_PORT)));

        long txHeader = driver.alloc(HDR, 8);
        send(tx, txHeader, REQUEST, new byte[0], new long[0][]);
        SocketChannel host = listener.accept();
        closing.add(host);
        long rxSmall = driver.alloc(HDR, 8);
        assertThat(receive(rx, List.of(Buf.out(rxSmall, HDR)), rxSmall, new long[0][]).packet().op())
                .isEqualTo(RESPONSE);

        Random random = new Random(5);
        for (int round = 0; round < 2; round++) {
            // Guest to host: the second round with fewer buffers, so views left from the first must not count.
            long[][] split = round == 0 ? TX_PAYLOAD : Arrays.copyOf(TX_PAYLOAD, 3);
            byte[] payload = new byte[total(split)];
            random.nextBytes(payload);
            BitSet dirty = send(tx, txHeader, RW, payload, split);
            assertThat(VsockDeviceTest.readExactly(host, payload.length)).as("round %d to the host", round).isEqualTo(payload);
            for (long[] b : split) {
                assertThat(dirty.intersects(DirtyPages.of(b[0], b[1]))).as("TX buffer at 0x%x marked dirty", b[0]).isFalse();
            }

            // Host to guest: a header split 30 + 14 bytes, the rest in the payload buffers.
            byte[] back = new byte[total(RX_PAYLOAD) - (HDR - 30)];
            random.nextBytes(back);
            host.write(ByteBuffer.wrap(back));
            long rxHead = driver.alloc(30, 8);
            List<Buf> chain = new ArrayList<>(List.of(Buf.out(rxHead, 30)));
            for (long[] b : RX_PAYLOAD) {
                chain.add(Buf.out(b[0], (int) b[1]));
            }
            Received data = receive(rx, chain, rxHead, RX_PAYLOAD);
            assertThat(data.packet().op()).isEqualTo(RW);
            assertThat(data.packet().payload()).as("round %d to the guest", round).isEqualTo(back);
            for (long[] b : RX_PAYLOAD) {
                BitSet pages = DirtyPages.of(b[0], b[1]);
                pages.andNot(data.dirty());
                assertThat(pages).as("RX buffer at 0x%x not marked dirty", b[0]).isEqualTo(new BitSet());
            }
        }
    }

    private static int total(long[][] buffers) {
        return (int) Arrays.stream(buffers).mapToLong(b -> b[1]).sum();
    }

    /** A packet for the guest and the pages the device dirtied while it wrote it. */
    record Received(Packet packet, BitSet dirty) {}

    /**
     * Sends one packet: its header in one buffer, {@code payload} spread over {@code split} in
     * order; returns the pages dirtied while the device took it.
     */
    private BitSet send(DriverQueue tx, long header, int op, byte[] payload, long[][] split) {
        byte[] packet = new Packet(CID, HOST, GUEST_PORT, HOST_PORT, 1, op, 0, 256 * 1024, 0, payload)
                .encode(payload.length);
        driver.memory.write(header, Arrays.copyOf(packet, HDR));
        List<Buf> chain = new ArrayList<>(List.of(Buf.in(header, HDR)));
        int at = HDR;
        for (long[] b : split) {
            driver.memory.write(b[0], Arrays.copyOfRange(packet, at, at + (int) b[1]));
            chain.add(Buf.in(b[0], (int) b[1]));
            at += (int) b[1];
        }
        tx.submit(chain);
        DirtyPages.drain(driver.memory, RAM); // the driver's own writes
        driver.kick(VsockDevice.TX);
        BitSet dirty = DirtyPages.drain(driver.memory, RAM);
        assertThat(tx.takeUsed()).hasSize(1);
        return dirty;
    }

    /**
     * Posts {@code chain} (its first buffer at {@code head}, then {@code rest}) and processes RX
     * until the device has used it; returns the packet, gathered from the buffers.
     */
    private Received receive(DriverQueue rx, List<Buf> chain, long head, long[][] rest) throws Exception {
        rx.submit(chain);
        DirtyPages.drain(driver.memory, RAM); // the driver's own writes
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<DriverQueue.Used> used;
        while ((used = rx.takeUsed()).isEmpty()) {
            assertThat(System.nanoTime()).as("RX chain used within 10 s").isLessThan(deadline);
            wakes.tryAcquire(10, TimeUnit.MILLISECONDS);
            driver.device.processQueue(VsockDevice.RX);
        }
        BitSet dirty = DirtyPages.drain(driver.memory, RAM);
        assertThat(used).hasSize(1);
        int length = used.getFirst().len();
        ByteBuffer bytes = ByteBuffer.allocate(length);
        bytes.put(driver.memory.read(head, Math.min(length, chain.getFirst().len())));
        for (int i = 0; i < rest.length && bytes.hasRemaining(); i++) {
            bytes.put(driver.memory.read(rest[i][0], (int) Math.min(bytes.remaining(), rest[i][1])));
        }
        return new Received(Packet.decode(bytes.array(), length), dirty);
    }
}
