package dev.panamax.virtio;

import dev.panamax.virtio.DriverQueue.Buf;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guest side of a {@link NetDevice} for tests, as Linux's virtio_net uses it: receive
 * buffers of one descriptor each on queue 0, frames (header + Ethernet frame) on queue 1, and
 * received frames put back together from the used ring (num_buffers chains each with MRG_RXBUF).
 */
final class NetGuest implements AutoCloseable {
    static final long MRG_RXBUF = 1L << 15;
    static final long GUEST_OFFLOADS = (1L << 1) | (1L << 7) | (1L << 8) | (1L << 10);
    static final long MAC = 0x06_00_ac_10_00_02L;

    final FakeNetBackend backend = new FakeNetBackend();
    final NetDevice device;
    final MockDriver driver;
    final DriverQueue rx;
    final DriverQueue tx;
    final boolean mergeable;
    private final Map<Integer, Long> rxBufferOfHead = new HashMap<>();

    NetGuest(long features) {
        this(features, OptionalLong.of(MAC));
    }

    NetGuest(long features, OptionalLong mac) {
        device = new NetDevice("eth0", backend, mac);
        driver = new MockDriver(device);
        driver.probe(MockDriver.VERSION_1 | features, 2, 256);
        rx = driver.queue(NetDevice.RX_QUEUE);
        tx = driver.queue(NetDevice.TX_QUEUE);
        mergeable = (driver.negotiated & MRG_RXBUF) != 0;
    }

    /** A frame as a TAP hands it over: a header (bytes 10-11 stale, as the TAP leaves them) and payload. */
    static byte[] frame(int length, long seed) {
        byte[] f = new byte[length];
        new Random(seed).nextBytes(f);
        return f;
    }

    /** What the guest must see of {@code frame}: the same bytes with num_buffers set. */
    static byte[] asReceived(byte[] frame, int numBuffers) {
        byte[] f = frame.clone();
        f[10] = (byte) numBuffers;
        f[11] = (byte) (numBuffers >> 8);
        return f;
    }

    /** Adds {@code count} receive buffers of {@code size} bytes, without a kick. */
    void addRxBuffers(int count, int size) {
        for (int i = 0; i < count; i++) {
            long at = driver.alloc(size, 8);
            int head = rx.submit(List.of(Buf.out(at, size)));
            rxBufferOfHead.put(head, at);
        }
    }

    /** A frame arrives at the backend and the TAP's readiness runs the receive queue. */
    void arrive(byte[] frame) {
        backend.incoming.add(frame);
        driver.device.processQueue(NetDevice.RX_QUEUE);
    }

    /** The frames the used ring completed since the last call, each put back together. */
    List<byte[]> received() {
        List<byte[]> frames = new ArrayList<>();
        List<DriverQueue.Used> used = rx.takeUsed();
        for (int i = 0; i < used.size(); ) {
            DriverQueue.Used first = used.get(i);
            long at = rxBufferOfHead.get(first.id());
            int count = mergeable ? driver.memory.readU16(at + 10) & 0xFFFF : 1;
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            for (int k = 0; k < count; k++) {
                DriverQueue.Used u = used.get(i + k);
                frame.writeBytes(driver.memory.read(rxBufferOfHead.get(u.id()), u.len()));
            }
            frames.add(frame.toByteArray());
            i += count;
        }
        return frames;
    }

    /** Sends one frame, split into buffers of the given sizes, and kicks the transmit queue. */
    int send(byte[] frame, int... pieces) {
        List<Buf> bufs = new ArrayList<>();
        int off = 0;
        for (int p : pieces) {
            long at = driver.alloc(p, 8);
            driver.memory.write(at, java.util.Arrays.copyOfRange(frame, off, off + p));
            bufs.add(Buf.in(at, p));
            off += p;
        }
        assertThat(off).isEqualTo(frame.length);
        int head = tx.submit(bufs);
        driver.kick(NetDevice.TX_QUEUE);
        return head;
    }

    boolean broken() {
        return (driver.status() & DeviceStatus.DEVICE_NEEDS_RESET) != 0;
    }

    @Override
    public void close() {
        driver.close();
    }
}
