package dev.panamax.virtio.vsock;

import dev.panamax.device.Counter;
import dev.panamax.device.MetricsGroup;
import dev.panamax.memory.GuestMemory;
import dev.panamax.memory.GuestMemoryException;
import dev.panamax.virtio.DescriptorChain;
import dev.panamax.virtio.DeviceState;
import dev.panamax.virtio.Virtqueue;
import dev.panamax.virtio.VirtqueueException;
import dev.panamax.virtio.VirtioDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * virtio-vsock (virtio 1.x, "Socket Device", type 19): stream sockets between the guest
 * (context ID {@code guestCid}) and host processes, through Unix sockets as Firecracker
 * connects them (see {@link Muxer}). Queues: 0 RX (packets for the guest), 1 TX (packets from
 * it), 2 event. Configuration space: {@code le64 guest_cid}. No device features: streams only.
 *
 * <p>The event queue's buffers are left with the device: the only event, TRANSPORT_RESET
 * (id 0), is for a snapshot restore. A restored device has no connections (the host sockets of
 * the saved VM are gone), so, as Firecracker does, it tells the guest with that event, and the
 * guest's driver resets every connection it had. Host connects wait until the guest re-posts the
 * event buffer (it has then reset the old connections), so that a new stream is not reset with them.
 *
 * <p>Packets for the guest come from host sockets at any time, but guest memory is only
 * touched in {@link #process}: the muxer calls {@code wake} when it has something, and the VMM
 * answers by processing {@link #RX} on its event loop.
 */
public final class VsockDevice implements VirtioDevice, AutoCloseable {
    public static final int RX = 0;
    public static final int TX = 1;
    public static final int EVENT = 2;

    private static final Logger LOG = LoggerFactory.getLogger(VsockDevice.class);
    /** The virtio device ID of vsock. */
    public static final int DEVICE_TYPE = 19;
    private static final int QUEUE_SIZE = 256;
    /** struct virtio_vsock_event: le32 id. */
    private static final int EVENT_SIZE = 4;
    private static final int EVENT_TRANSPORT_RESET = 0;

    private final long guestCid;
    private final Runnable wake;
    private final Muxer muxer;
    private final byte[] config;
    private final MemorySegment txHeader = MemorySegment.ofArray(new byte[Header.SIZE]);
    /** Times the RX and TX queues were processed (Firecracker's rx/tx_queue_event_count); under the device lock. */
    private final Counter rxQueueEvents = new Counter();
    private final Counter txQueueEvents = new Counter();

    // Set by activate, cleared by reset (the transport's device lock serialises them).
    private GuestMemory memory;
    /**
     * An RX chain popped when a packet seemed due that then had nothing to say; used first next
     * time. It is the RX queue's own chain, still valid: nothing pops that queue before it is
     * used, and a reset forgets it.
     */
    private DescriptorChain spare;

    private VsockDevice(long guestCid, Runnable wake, Muxer muxer) {
        this.guestCid = guestCid;
        this.wake = wake;
        this.muxer = muxer;
        this.config = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, guestCid).array();
    }

    /**
     * Creates the device and starts listening on {@code udsPath}.
     *
     * @param wake called, from any thread, when packets wait for the guest: the VMM must then
     *             have {@link #RX} processed on its event loop ({@code VirtioMmioDevice.processQueue})
     * @throws IllegalArgumentException when the path's directory is missing or the path exists
     * @throws UncheckedIOException     when the socket cannot be bound
     */
    public static VsockDevice open(long guestCid, Path udsPath, Runnable wake) {
        return open(guestCid, udsPath, wake, "vsock-io");
    }

    /** {@link #open(long, Path, Runnable)} with its selector thread named {@code threadName}. */
    public static VsockDevice open(long guestCid, Path udsPath, Runnable wake, String threadName) {
        return new VsockDevice(guestCid, wake, Muxer.open(guestCid, udsPath, wake, threadName));
    }

    public long guestCid() {
        return guestCid;
    }

    /** Host sockets open now: streams, connects in progress and pending CONNECT lines. */
    public int openConnections() {
        return muxer.openConnections();
    }

    /** Bytes of buffer held for guest data that host sockets have not taken yet. */
    public long bufferedToHost() {
        return muxer.bufferedToHost();
    }

    @Override
    public int deviceType() {
        return DEVICE_TYPE;
    }

    @Override
    public long deviceFeatures() {
        return 0;
    }

    @Override
    public int queueCount() {
        return 3;
    }

    @Override
    public int queueMaxSize() {
        return QUEUE_SIZE;
    }

    @Override
    public long readConfig(int offset, int size) {
        long value = 0;
        for (int i = 0; i < size; i++) {
            int at = offset + i;
            if (at >= 0 && at < config.length) {
                value |= (config[at] & 0xFFL) << (8 * i);
            }
        }
        return value;
    }

    @Override
    public void writeConfig(int offset, int size, long value) {
        // guest_cid is read-only.
    }

    @Override
    public void activate(GuestMemory memory, long ackedFeatures, List<Virtqueue> queues) {
        this.memory = memory;
        muxer.activate(memory);
    }

    @Override
    public DeviceState saveState() {
        return new DeviceState.Vsock(guestCid);
    }

    @Override
    public void restoreState(DeviceState saved) {
        if (!(saved instanceof DeviceState.Vsock v) || v.guestCid() != guestCid) {
            throw new IllegalArgumentException("vsock: the snapshot has " + saved + ", this device guest_cid " + guestCid);
        }
        muxer.avoidPortsOfBeforeRestore();
    }

    /** Sends VIRTIO_VSOCK_EVENT_TRANSPORT_RESET: the guest drops the connections the saved VM had. */
    @Override
    public boolean restored(List<Virtqueue> queues) throws VirtqueueException {
        Virtqueue events = queues.get(EVENT);
        if (!events.isActive()) {
            return false;
        }
        DescriptorChain chain = events.pop();
        if (chain == null) {
            LOG.warn("vsock: no event buffer to tell the guest of the transport reset; its old connections hang");
            return false;
        }
        int written = 0;
        for (int i = 0; i < chain.count(); i++) {
            if (chain.isWriteOnly(i) && chain.length(i) >= EVENT_SIZE) {
                memory.writeU32(chain.address(i), EVENT_TRANSPORT_RESET);
                written = EVENT_SIZE;
                break;
            }
        }
        events.addUsed(chain.headIndex(), written);
        // The driver re-posts the buffer once it has handled the event: that kick lets host connects go on.
        events.askForKickOnNextAvail();
        muxer.holdRequests();
        return true;
    }

    @Override
    public void reset() {
        memory = null;
        spare = null;
        muxer.dropAll();
    }

    /**
     * Firecracker's {@code vsock} group: packets and payload bytes each way (rx towards the
     * guest), streams added, removed and killed (ended by the host with an RST), failed host
     * socket reads and writes, and queue events.
     */
    @Override
    public Optional<MetricsGroup> metrics() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("rx_queue_event_count", rxQueueEvents.get());
        counts.put("tx_queue_event_count", txQueueEvents.get());
        counts.put("rx_bytes_count", muxer.rxBytes.get());
        counts.put("tx_bytes_count", muxer.txBytes.get());
        counts.put("rx_packets_count", muxer.rxPackets.get());
        counts.put("tx_packets_count", muxer.txPackets.get());
        counts.put("conns_added", muxer.connsAdded.get());
        counts.put("conns_killed", muxer.connsKilled.get());
        counts.put("conns_removed", muxer.connsRemoved.get());
        counts.put("rx_read_fails", muxer.rxReadFails.get());
        counts.put("tx_write_fails", muxer.txWriteFails.get());
        return Optional.of(new MetricsGroup("vsock", "vsock", counts));
    }

    @Override
    public String describe() {
        return muxer.describe() + (spare != null ? "\nan RX chain held for the next packet: " + spare.headIndex() : "");
    }

    @Override
    public boolean process(int queueIndex, Virtqueue queue) throws VirtqueueException {
        VsockBurstEvent burst = queueIndex != EVENT && VsockBurstEvent.wanted()
                ? VsockBurstEvent.begun(queueIndex == RX ? muxer.rxPackets : muxer.txPackets,
                        queueIndex == RX ? muxer.rxBytes : muxer.txBytes)
                : null;
        try {
            return switch (queueIndex) {
                case RX -> {
                    rxQueueEvents.increment();
                    muxer.pollHost();
                    yield fillRx(queue);
                }
                case TX -> {
                    txQueueEvents.increment();
                    boolean used = drainTx(queue);
                    if (muxer.hasRxWork()) {
                        wake.run(); // the RX queue's interrupt is decided when RX is processed
                    }
                    yield used;
                }
                default -> {
                    // event buffers stay for a TRANSPORT_RESET; a kick here re-posts one after it
                    muxer.guestHandledReset();
                    yield false;
                }
            };
        } finally {
            muxer.flushInterest();
            if (burst != null) {
                burst.finish(queueIndex == RX ? "rx" : "tx");
            }
        }
    }

    private boolean drainTx(Virtqueue queue) throws VirtqueueException {
        boolean used = false;
        DescriptorChain chain;
        while ((chain = queue.pop()) != null) {
            guestPacket(chain);
            queue.addUsed(chain.headIndex(), 0);
            used = true;
        }
        return used;
    }

    private void guestPacket(DescriptorChain chain) {
        long readable = chain.totalLength(false);
        if (readable < Header.SIZE) {
            LOG.debug("vsock: TX chain {} of {} bytes has no room for a header; dropped", chain.headIndex(), readable);
            return;
        }
        try {
            ChainBytes.read(memory, chain, false, 0, txHeader);
        } catch (GuestMemoryException e) {
            LOG.debug("vsock: TX header outside guest memory: {}", e.getMessage());
            return;
        }
        muxer.guestPacket(txHeader, readable - Header.SIZE, chain, memory);
    }

    private boolean fillRx(Virtqueue queue) throws VirtqueueException {
        boolean used = false;
        while (muxer.hasRxWork()) {
            DescriptorChain chain = spare != null ? spare : queue.pop();
            spare = null;
            if (chain == null) {
                break; // pop() asked for a kick when the guest adds buffers
            }
            long capacity = chain.totalLength(true);
            if (capacity < Header.SIZE) {
                LOG.debug("vsock: RX chain {} of {} bytes has no room for a header", chain.headIndex(), capacity);
                queue.addUsed(chain.headIndex(), 0);
                used = true;
                continue;
            }
            int written;
            try {
                // Every buffer must be guest RAM before a byte is read from a host socket into it.
                ChainBytes.check(memory, chain, true);
                written = muxer.emit(chain, capacity, memory);
            } catch (GuestMemoryException e) {
                LOG.debug("vsock: RX chain {} unusable: {}", chain.headIndex(), e.getMessage());
                queue.addUsed(chain.headIndex(), 0);
                used = true;
                continue;
            }
            if (written == 0 && capacity == Header.SIZE) {
                // No room for data, and no control packet due: back to the guest, so that the
                // next (larger) buffer is not held up behind it.
                queue.addUsed(chain.headIndex(), 0);
                used = true;
            } else if (written == 0) {
                spare = chain;
                break;
            } else {
                queue.addUsed(chain.headIndex(), written);
                used = true;
            }
        }
        return used;
    }

    /** Closes every host socket and removes uds_path. */
    @Override
    public void close() {
        muxer.close();
    }
}
