package dev.panamax.virtio;

import dev.panamax.device.Counter;
import dev.panamax.device.MetricsGroup;
import dev.panamax.memory.GuestMemory;
import dev.panamax.memory.GuestMemoryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * virtio-net (virtio 1.x, "Network Device") over a {@link NetBackend}: queue 0 receives, queue 1
 * transmits; no control queue, one queue pair. The 12-byte virtio_net_hdr travels with each
 * frame to and from the backend untouched, so the guest's checksum and segmentation offloads
 * (CSUM, HOST_TSO4/6, HOST_UFO) and the host's towards it (GUEST_CSUM, GUEST_TSO4/6, GUEST_UFO,
 * told to the backend at activation) cost no work here.
 *
 * <p>Transmit: each chain's readable buffers, header then frame, are gathered into one host
 * buffer and written to the backend; a chain that is malformed (over {@link #MAX_FRAME} bytes,
 * shorter than the header, a buffer outside guest RAM) is returned unsent.
 *
 * <p>Receive: the VMM runs the receive queue both when the guest adds buffers and when the
 * backend has frames (the TAP readable), through the transport, so the work happens under its
 * device lock. One frame at a time is read into a host buffer and copied into the guest's
 * chains: with MRG_RXBUF into as many as it needs (num_buffers in the header says how many),
 * otherwise into one, which must hold it whole. When the guest has no buffer left the frame
 * stays pending here, together with the chains already filled, and the backend is not read
 * again until the guest adds buffers: no frame is lost or delivered twice. Finding the ring
 * empty is what re-arms the guest's notification under EVENT_IDX ({@link Virtqueue#pop()}), and
 * the kick that follows runs the queue again. The chains of one frame reach the used ring in
 * one publication, so a guest polling it never sees part of a frame.
 *
 * <p>Both host buffers are made once; nothing per frame is allocated beyond what popping a
 * chain costs.
 */
public final class NetDevice implements VirtioDevice {
    public static final int RX_QUEUE = 0;
    public static final int TX_QUEUE = 1;
    /** virtio_net_hdr with num_buffers (virtio 1.x always has it). */
    public static final int HEADER_SIZE = 12;
    /** A 64 KiB segmentation-offload frame (65535-byte IP packet and Ethernet header) and the header. */
    public static final int MAX_FRAME = 65550 + HEADER_SIZE;
    /** VIRTIO_NET_S_LINK_UP in the status field. */
    static final int LINK_UP = 1;

    private static final Logger LOG = LoggerFactory.getLogger(NetDevice.class);
    static final int DEVICE_TYPE = 1;
    private static final int QUEUE_SIZE = 256;
    private static final int NUM_BUFFERS_OFFSET = 10;
    private static final ValueLayout.OfShort U16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** virtio_net_config: mac[6], then status (u16). */
    private static final int CONFIG_SIZE = 8;
    private static final int CONFIG_STATUS = 6;
    private static final long OFFERED = Feature.bit(Feature.NET_CSUM) | Feature.bit(Feature.NET_GUEST_CSUM)
            | Feature.bit(Feature.NET_GUEST_TSO4) | Feature.bit(Feature.NET_GUEST_TSO6)
            | Feature.bit(Feature.NET_GUEST_UFO) | Feature.bit(Feature.NET_HOST_TSO4)
            | Feature.bit(Feature.NET_HOST_TSO6) | Feature.bit(Feature.NET_HOST_UFO)
            | Feature.bit(Feature.NET_MRG_RXBUF) | Feature.bit(Feature.NET_STATUS);

    private final String id;
    private final NetBackend backend;
    private final long features;
    private final byte[] config = new byte[CONFIG_SIZE];
    // Made once: GC'd with the device (no close needed, nothing else holds them).
    private final MemorySegment rxFrame = Arena.ofAuto().allocate(MAX_FRAME, 8);
    private final MemorySegment txFrame = Arena.ofAuto().allocate(MAX_FRAME, 8);

    // The transport's device lock serializes everything below.
    /** Guest memory while active; null after a reset. */
    private GuestMemory memory;
    private boolean mergeable;
    /** Bytes of the pending received frame in rxFrame; 0 when none is pending. */
    private int rxLength;
    /** Bytes of it already copied into the chains held (rxHeads). */
    private int rxCopied;
    /** Head indexes of the receive chains the pending frame fills, in order. */
    private final int[] rxHeads = new int[QUEUE_SIZE];
    /**
     * The first of them, copied: num_buffers goes into it last, after further pops have
     * refilled the queue's own chain (valid only until the next pop).
     */
    private final DescriptorChain rxFirst = new DescriptorChain(QUEUE_SIZE);
    private final int[] rxWritten = new int[QUEUE_SIZE];
    private int rxChainCount;
    /** Set when this call of {@link #process} put anything in the used ring. */
    private boolean usedAny;
    // Firecracker's net metrics; written under the transport's device lock
    private final Counter rxBytes = new Counter();
    private final Counter rxPackets = new Counter();
    private final Counter rxFails = new Counter();
    private final Counter txBytes = new Counter();
    private final Counter txPackets = new Counter();
    private final Counter txFails = new Counter();
    private final Counter txMalformed = new Counter();

    /** The MAC offered, for a snapshot. */
    private final OptionalLong mac;

    /**
     * @param id      names the device in log lines (the interface's id)
     * @param mac     the guest's MAC address in the low 48 bits, first octet highest; offered
     *                with VIRTIO_NET_F_MAC when present, else the guest picks one
     */
    public NetDevice(String id, NetBackend backend, OptionalLong mac) {
        this.id = id;
        this.backend = backend;
        this.mac = mac;
        this.features = OFFERED | (mac.isPresent() ? Feature.bit(Feature.NET_MAC) : 0);
        mac.ifPresent(bits -> {
            for (int i = 0; i < 6; i++) {
                config[i] = (byte) (bits >>> (8 * (5 - i)));
            }
        });
        config[CONFIG_STATUS] = LINK_UP;
    }

    @Override
    public int deviceType() {
        return DEVICE_TYPE;
    }

    @Override
    public DeviceState saveState() {
        return new DeviceState.Net(id, mac);
    }

    /** The guest knew an interface of this id and MAC; the TAP behind it may be another. */
    @Override
    public void restoreState(DeviceState saved) {
        if (!(saved instanceof DeviceState.Net n) || !n.ifaceId().equals(id) || !n.mac().equals(mac)) {
            throw new IllegalArgumentException("network interface " + id + ": the snapshot has " + saved
                    + " in its place");
        }
    }

    @Override
    public long deviceFeatures() {
        return features;
    }

    @Override
    public int queueCount() {
        return 2;
    }

    @Override
    public int queueMaxSize() {
        return QUEUE_SIZE;
    }

    @Override
    public long readConfig(int offset, int size) {
        return ConfigSpace.read(config, offset, size);
    }

    @Override
    public void writeConfig(int offset, int size, long value) {
        // The MAC is writable only with VIRTIO_NET_F_CTRL_MAC_ADDR's legacy path; nothing here is.
    }

    /** Tells the backend which offloads the guest takes in received frames. */
    @Override
    public void activate(GuestMemory memory, long ackedFeatures, List<Virtqueue> queues) {
        backend.setOffloads(offloads(ackedFeatures));
        this.memory = memory;
        this.mergeable = (ackedFeatures & Feature.bit(Feature.NET_MRG_RXBUF)) != 0;
        dropPending();
    }

    /** The backend offloads matching the guest's features; segmentation needs checksum offload too. */
    static Set<NetBackend.Offload> offloads(long acked) {
        Set<NetBackend.Offload> offloads = EnumSet.noneOf(NetBackend.Offload.class);
        if ((acked & Feature.bit(Feature.NET_GUEST_CSUM)) == 0) {
            return offloads;
        }
        offloads.add(NetBackend.Offload.CSUM);
        if ((acked & Feature.bit(Feature.NET_GUEST_TSO4)) != 0) {
            offloads.add(NetBackend.Offload.TSO4);
        }
        if ((acked & Feature.bit(Feature.NET_GUEST_TSO6)) != 0) {
            offloads.add(NetBackend.Offload.TSO6);
        }
        if ((acked & Feature.bit(Feature.NET_GUEST_UFO)) != 0) {
            offloads.add(NetBackend.Offload.UFO);
        }
        return offloads;
    }

    /** Forgets a pending frame (its chains went with the queues) and turns the offloads off. */
    @Override
    public void reset() {
        memory = null;
        dropPending();
        backend.setOffloads(EnumSet.noneOf(NetBackend.Offload.class));
    }

    private void dropPending() {
        rxLength = 0;
        rxCopied = 0;
        rxChainCount = 0;
    }

    @Override
    public boolean process(int queueIndex, Virtqueue queue) throws VirtqueueException {
        usedAny = false;
        switch (queueIndex) {
            case RX_QUEUE -> receive(queue);
            case TX_QUEUE -> transmit(queue);
            default -> { }
        }
        return usedAny;
    }

    // ---- transmit ----

    private void transmit(Virtqueue queue) throws VirtqueueException {
        DescriptorChain chain;
        while ((chain = queue.pop()) != null) {
            int length = gather(chain);
            if (length >= 0) {
                send(chain, length);
            }
            queue.addUsed(chain.headIndex(), 0);
            usedAny = true;
        }
    }

    /** Firecracker's {@code net_<iface_id>} group (added up in {@code net}); frame bytes without the header. */
    @Override
    public Optional<MetricsGroup> metrics() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("rx_bytes_count", rxBytes.get());
        counts.put("rx_packets_count", rxPackets.get());
        counts.put("rx_fails", rxFails.get());
        counts.put("tx_bytes_count", txBytes.get());
        counts.put("tx_packets_count", txPackets.get());
        counts.put("tx_fails", txFails.get());
        counts.put("tx_malformed_frames", txMalformed.get());
        return Optional.of(new MetricsGroup("net", "net_" + id, counts));
    }

    /** Copies the chain's readable bytes into txFrame; -1 (and a log line) for a malformed chain. */
    private int gather(DescriptorChain chain) {
        int length = 0;
        for (int i = 0; i < chain.count(); i++) {
            if (chain.isWriteOnly(i)) {
                continue; // a transmit chain has nothing for the device to write; ignore such buffers
            }
            long n = chain.length(i);
            if (n > MAX_FRAME - length) {
                return malformed(chain, "more than " + MAX_FRAME + " bytes");
            }
            try {
                MemorySegment.copy(memory.readOnlySlice(chain.address(i), n), 0, txFrame, length, n);
            } catch (GuestMemoryException e) {
                return malformed(chain, e.getMessage());
            }
            length += (int) n;
        }
        if (length < HEADER_SIZE) {
            return malformed(chain, length + " bytes, shorter than the " + HEADER_SIZE + "-byte header");
        }
        return length;
    }

    private int malformed(DescriptorChain chain, String why) {
        txMalformed.increment();
        LOG.debug("net {}: transmit chain {} dropped: {}", id, chain.headIndex(), why);
        return -1;
    }

    private void send(DescriptorChain chain, int length) {
        try {
            if (backend.writeFrame(txFrame, length)) {
                txPackets.increment();
                txBytes.add(length - HEADER_SIZE);
            } else {
                txFails.increment();
                LOG.debug("net {}: transmit chain {}: the backend dropped the frame", id, chain.headIndex());
            }
        } catch (RuntimeException e) {
            txFails.increment();
            // The host refused this frame (e.g. a header the TAP finds malformed): the guest's mistake.
            LOG.debug("net {}: transmit chain {} refused: {}", id, chain.headIndex(), e.getMessage());
        }
    }

    // ---- receive ----

    /** Delivers frames until the backend has none or the guest has no buffer for the next. */
    private void receive(Virtqueue queue) throws VirtqueueException {
        while (true) {
            if (rxLength == 0 && !readFrame()) {
                return;
            }
            if (!deliver(queue)) {
                return; // pending: the guest's next kick brings us back
            }
        }
    }

    /** Reads the next frame into rxFrame; false when the backend has none. */
    private boolean readFrame() {
        while (true) {
            int n;
            try {
                n = backend.readFrame(rxFrame);
            } catch (RuntimeException e) {
                LOG.warn("net {}: reading the backend failed: {}", id, e.getMessage());
                return false;
            }
            if (n < 0) {
                return false;
            }
            if (n >= HEADER_SIZE) {
                rxLength = n;
                rxCopied = 0;
                return true;
            }
            rxFails.increment();
            LOG.debug("net {}: a received frame of {} bytes is shorter than its header; dropped", id, n);
        }
    }

    /**
     * Copies the pending frame into the guest's chains, popping as many as it needs.
     *
     * @return true when the frame is done with (delivered or dropped); false when the guest has
     *         no buffer left for the rest, which then waits, with the chains filled so far
     */
    private boolean deliver(Virtqueue queue) throws VirtqueueException {
        while (rxCopied < rxLength) {
            if (rxChainCount == queue.size()) {
                // Every descriptor is held and the frame still does not fit: no kick can come.
                LOG.debug("net {}: {} receive chains hold less than a {}-byte frame; dropped", id, rxChainCount, rxLength);
                returnHeldUnused(queue);
                return true;
            }
            DescriptorChain chain = queue.pop();
            if (chain == null) {
                return false;
            }
            int written = copyInto(chain, rxCopied, rxCopied, rxLength);
            if (rxChainCount == 0 && written < HEADER_SIZE) {
                LOG.debug("net {}: receive chain {} cannot hold the header; returned unused", id, chain.headIndex());
                queue.addUsed(chain.headIndex(), 0);
                usedAny = true;
                continue;
            }
            if (written == 0) {
                LOG.debug("net {}: receive chain {} has no usable buffer; returned unused", id, chain.headIndex());
                queue.addUsed(chain.headIndex(), 0);
                usedAny = true;
                continue;
            }
            if (rxChainCount == 0) {
                rxFirst.copyFrom(chain);
            }
            rxHeads[rxChainCount] = chain.headIndex();
            rxWritten[rxChainCount] = written;
            rxChainCount++;
            rxCopied += written;
            if (!mergeable && rxCopied < rxLength) {
                LOG.debug("net {}: a {}-byte frame does not fit receive chain {} (no MRG_RXBUF); dropped", id, rxLength,
                        chain.headIndex());
                returnHeldUnused(queue);
                return true;
            }
        }
        // num_buffers, little-endian, at bytes 10-11 of the frame: in the first chain.
        rxFrame.set(U16_LE, NUM_BUFFERS_OFFSET, (short) rxChainCount);
        copyInto(rxFirst, 0, NUM_BUFFERS_OFFSET, NUM_BUFFERS_OFFSET + 2);
        for (int i = 0; i < rxChainCount; i++) {
            queue.stageUsed(rxHeads[i], rxWritten[i]);
        }
        queue.publishUsed();
        usedAny = true;
        rxPackets.increment();
        rxBytes.add(rxLength - HEADER_SIZE);
        dropPending();
        return true;
    }

    /** A frame the guest had no room for: its chains go back unused, the frame is dropped. */
    private void returnHeldUnused(Virtqueue queue) throws VirtqueueException {
        rxFails.increment();
        for (int i = 0; i < rxChainCount; i++) {
            queue.stageUsed(rxHeads[i], 0);
        }
        queue.publishUsed();
        usedAny |= rxChainCount > 0;
        dropPending();
    }

    /**
     * Copies rxFrame bytes {@code [from, to)} into {@code chain}, whose writable buffers hold the
     * frame from byte {@code chainStart} on. Stops at a buffer outside guest RAM.
     *
     * @return how many frame bytes from chainStart the chain now holds (up to {@code to})
     */
    private int copyInto(DescriptorChain chain, int chainStart, int from, int to) {
        long at = chainStart;
        for (int i = 0; i < chain.count(); i++) {
            if (!chain.isWriteOnly(i)) {
                continue;
            }
            if (at >= to) {
                break;
            }
            long end = Math.min(to, at + chain.length(i));
            long start = Math.max(from, at);
            if (start < end) {
                try {
                    MemorySegment buffer = memory.slice(chain.address(i), end - at);
                    MemorySegment.copy(rxFrame, start, buffer, start - at, end - start);
                } catch (GuestMemoryException e) {
                    break;
                }
            }
            at = end;
        }
        return (int) (at - chainStart);
    }
}
