package dev.panamax.virtio;

import dev.panamax.memory.GuestMemory;
import dev.panamax.virtio.DriverQueue.Buf;
import dev.panamax.virtio.vsock.VsockDevice;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A fake guest vsock driver over real virtqueues in real guest memory: it keeps RX buffers
 * posted, sends packets through TX, and plays the VMM's event loop (this test thread alone calls
 * processQueue), processing RX whenever the device's wake callback fires. Its own header codec,
 * written from the virtio spec, checks the device's.
 */
final class VsockGuest implements AutoCloseable {
    static final long CID = 3;
    static final long HOST = 2;
    static final int HDR = 44;
    static final int RX_PAYLOAD = 4096;
    static final int RX_BUFFERS = 64;
    static final long RAM = 4 << 20;

    static final int REQUEST = 1, RESPONSE = 2, RST = 3, SHUTDOWN = 4, RW = 5, CREDIT_UPDATE = 6, CREDIT_REQUEST = 7;

    record Packet(long srcCid, long dstCid, int srcPort, int dstPort, int type, int op, int flags, int bufAlloc,
            int fwdCnt, byte[] payload) {
        int len() {
            return payload.length;
        }

        byte[] encode(int claimedLen) {
            ByteBuffer b = ByteBuffer.allocate(HDR + payload.length).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(srcCid).putLong(dstCid).putInt(srcPort).putInt(dstPort).putInt(claimedLen)
                    .putShort((short) type).putShort((short) op).putInt(flags).putInt(bufAlloc).putInt(fwdCnt)
                    .put(payload);
            return b.array();
        }

        static Packet decode(byte[] bytes, int length) {
            ByteBuffer b = ByteBuffer.wrap(bytes, 0, length).order(ByteOrder.LITTLE_ENDIAN);
            long src = b.getLong(), dst = b.getLong();
            int sp = b.getInt(), dp = b.getInt(), len = b.getInt();
            int type = b.getShort() & 0xFFFF, op = b.getShort() & 0xFFFF;
            int flags = b.getInt(), bufAlloc = b.getInt(), fwd = b.getInt();
            if (len != length - HDR) {
                throw new AssertionError("header len " + len + " but the used length carries " + (length - HDR));
            }
            byte[] payload = new byte[len];
            b.get(payload);
            return new Packet(src, dst, sp, dp, type, op, flags, bufAlloc, fwd, payload);
        }
    }

    final VsockDevice device;
    final MockDriver driver;
    final DriverQueue rx;
    final DriverQueue tx;
    private final Semaphore wakes = new Semaphore(0);
    private final long txBuffer;
    private final Map<Integer, Long> posted = new HashMap<>();
    private final ArrayDeque<Long> free = new ArrayDeque<>();
    final List<Packet> received = new ArrayList<>();
    /** The guest's receive window and what it has consumed, sent in every packet. */
    int bufAlloc = 256 * 1024;
    int fwdCnt;

    VsockGuest(Path uds) {
        device = VsockDevice.open(CID, uds, wakes::release);
        driver = new MockDriver(device, GuestMemory.anonymous(List.of(new GuestMemory.Range(0, RAM))), true);
        driver.probe(MockDriver.VERSION_1 | MockDriver.EVENT_IDX, 3, 256);
        rx = driver.queue(VsockDevice.RX);
        tx = driver.queue(VsockDevice.TX);
        txBuffer = driver.alloc(HDR + 65536, 8);
        for (int i = 0; i < RX_BUFFERS; i++) {
            free.add(driver.alloc(HDR + RX_PAYLOAD, 8));
        }
        postRx();
    }

    /** The guest of {@code old} once its device was snapshotted and restored as a new device on {@code uds}. */
    private VsockGuest(VsockGuest old, Path uds) {
        device = VsockDevice.open(CID, uds, wakes::release);
        driver = old.driver.restoredOnto(device);
        rx = old.rx;
        tx = old.tx;
        txBuffer = old.txBuffer;
        posted.putAll(old.posted);
        free.addAll(old.free);
        bufAlloc = old.bufAlloc;
        fwdCnt = old.fwdCnt;
    }

    static VsockGuest restored(VsockGuest old, Path uds) {
        return new VsockGuest(old, uds);
    }

    /** Posts every free RX buffer and kicks RX if any was posted. */
    private void postRx() {
        if (free.isEmpty()) {
            return;
        }
        while (!free.isEmpty()) {
            long addr = free.poll();
            posted.put(rx.submit(List.of(Buf.out(addr, HDR + RX_PAYLOAD))), addr);
        }
        driver.kick(VsockDevice.RX);
    }

    /** Takes what the device put in RX; returns whether anything came. */
    private boolean collect() {
        boolean any = false;
        for (DriverQueue.Used u : rx.takeUsed()) {
            long addr = posted.remove(u.id());
            free.add(addr);
            if (u.len() > 0) {
                received.add(Packet.decode(driver.memory.read(addr, u.len()), u.len()));
            }
            any = true;
        }
        return any;
    }

    /** One turn of the fake event loop: RX when the device woke us, then reposting. */
    boolean pump() {
        boolean woke = wakes.tryAcquire();
        if (woke) {
            wakes.drainPermits();
            driver.device.processQueue(VsockDevice.RX);
        }
        boolean any = collect();
        postRx();
        return woke || any;
    }

    /** Sends raw packet bytes as one TX chain. */
    void sendRaw(byte[] bytes) {
        driver.memory.write(txBuffer, bytes);
        tx.submit(List.of(Buf.in(txBuffer, bytes.length)));
        driver.kick(VsockDevice.TX);
        collect();
    }

    void send(int srcPort, int dstPort, int op, int flags, byte[] payload) {
        sendRaw(new Packet(CID, HOST, srcPort, dstPort, 1, op, flags, bufAlloc, fwdCnt, payload).encode(payload.length));
    }

    void send(Packet to, int op) {
        send(to.dstPort(), to.srcPort(), op, 0, new byte[0]);
    }

    /** Waits for (and removes) the first received packet matching {@code p}. */
    Packet await(Predicate<Packet> p, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Packet hit = take(p);
            if (hit != null) {
                return hit;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no matching packet within " + timeout + "; received " + received);
            }
            if (!pump() && wakes.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                wakes.release();
            }
        }
    }

    Packet await(Predicate<Packet> p) throws InterruptedException {
        return await(p, Duration.ofSeconds(10));
    }

    Packet take(Predicate<Packet> p) {
        for (Iterator<Packet> it = received.iterator(); it.hasNext(); ) {
            Packet q = it.next();
            if (p.test(q)) {
                it.remove();
                return q;
            }
        }
        return null;
    }

    /** Pumps for {@code d} (to let nothing more happen). */
    void settle(Duration d) throws InterruptedException {
        long deadline = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < deadline) {
            if (!pump()) {
                if (wakes.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                    wakes.release();
                }
            }
        }
    }

    static Predicate<Packet> op(int op) {
        return p -> p.op() == op;
    }

    @Override
    public void close() {
        device.close();
        driver.close();
    }
}
