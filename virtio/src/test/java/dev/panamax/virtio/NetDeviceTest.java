package dev.panamax.virtio;

import dev.panamax.virtio.DriverQueue.Buf;
import dev.panamax.virtio.NetBackend.Offload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.OptionalLong;

import static dev.panamax.virtio.NetGuest.asReceived;
import static dev.panamax.virtio.NetGuest.frame;
import static org.assertj.core.api.Assertions.assertThat;

/** virtio-net through the mmio transport, against a fake backend, over real guest memory and rings. */
class NetDeviceTest {
    private NetGuest guest;

    @AfterEach
    void close() {
        if (guest != null) {
            guest.close();
        }
    }

    private NetGuest start(long features) {
        guest = new NetGuest(features);
        return guest;
    }

    @Test
    void identityFeaturesAndConfigSpace() {
        NetGuest g = start(0);
        assertThat(g.driver.reg(MmioRegister.DEVICE_ID)).isEqualTo(1);
        long offered = g.driver.deviceFeatures();
        for (int bit : new int[] {0, 1, 5, 7, 8, 10, 11, 12, 14, 15, 16}) {
            assertThat(offered & (1L << bit)).as("feature bit %d", bit).isNotZero();
        }
        assertThat(offered & (1L << 22)).as("no control queue, no MQ").isZero();
        assertThat(g.driver.reg(MmioRegister.CONFIG)).as("mac[0..3]").isEqualTo(0x10ac0006);
        assertThat(g.driver.device.read(MmioRegister.CONFIG + 4, 2)).as("mac[4..5]").isEqualTo(0x0200);
        assertThat(g.driver.device.read(MmioRegister.CONFIG + 6, 2)).as("status").isEqualTo(NetDevice.LINK_UP);

        try (NetGuest noMac = new NetGuest(0, OptionalLong.empty())) {
            assertThat(noMac.driver.deviceFeatures() & (1L << 5)).as("VIRTIO_NET_F_MAC").isZero();
        }
    }

    @Test
    void offloadsFollowWhatTheGuestAcceptedAndEndWithAReset() {
        NetGuest g = start(NetGuest.GUEST_OFFLOADS);
        assertThat(g.backend.offloads).containsExactlyInAnyOrder(Offload.CSUM, Offload.TSO4, Offload.TSO6, Offload.UFO);
        g.driver.reg(MmioRegister.STATUS, 0);
        assertThat(g.backend.offloads).isEmpty();

        assertThat(NetDevice.offloads((1L << 1) | (1L << 7))).containsExactly(Offload.CSUM, Offload.TSO4);
        assertThat(NetDevice.offloads((1L << 7) | (1L << 8))).as("segmentation needs checksum offload").isEmpty();
    }

    @Test
    void transmitsASingleBufferFrame() {
        NetGuest g = start(0);
        byte[] f = frame(12 + 60, 1);
        int head = g.send(f, f.length);
        assertThat(g.backend.sent).containsExactly(f);
        assertThat(g.tx.takeUsed()).containsExactly(new DriverQueue.Used(head, 0));
        assertThat(g.driver.interrupts).hasValue(1);
    }

    @Test
    void transmitsAFrameGatheredFromSeveralBuffersAndFromAnIndirectTable() {
        NetGuest g = start(MockDriver.INDIRECT_DESC);
        byte[] big = frame(NetDevice.MAX_FRAME, 2);
        g.send(big, 12, 1514, 30000, NetDevice.MAX_FRAME - 12 - 1514 - 30000);
        byte[] small = frame(200, 3);
        long a = g.driver.alloc(12, 8);
        long b = g.driver.alloc(188, 8);
        g.driver.memory.write(a, java.util.Arrays.copyOf(small, 12));
        g.driver.memory.write(b, java.util.Arrays.copyOfRange(small, 12, 200));
        g.tx.submitIndirect(List.of(Buf.in(a, 12), Buf.in(b, 188)));
        g.driver.kick(NetDevice.TX_QUEUE);
        assertThat(g.backend.sent).containsExactly(big, small);
    }

    @Test
    void malformedTransmitChainsAreReturnedUnsentAndTheDeviceGoesOn() {
        NetGuest g = start(0);
        long big = g.driver.alloc(NetDevice.MAX_FRAME + 1, 8);
        int oversized = g.tx.submit(List.of(Buf.in(big, NetDevice.MAX_FRAME + 1)));
        int outside = g.tx.submit(List.of(Buf.in(g.driver.alloc(12, 8), 12), Buf.in(MockDriver.RAM_SIZE - 8, 64)));
        int runt = g.tx.submit(List.of(Buf.in(g.driver.alloc(11, 8), 11)));
        g.driver.kick(NetDevice.TX_QUEUE);
        assertThat(g.tx.takeUsed()).extracting(DriverQueue.Used::id).containsExactly(oversized, outside, runt);
        assertThat(g.backend.sent).isEmpty();

        g.backend.refuseWrites = true;
        g.send(frame(64, 4), 64);
        g.backend.refuseWrites = false;
        byte[] good = frame(64, 5);
        g.send(good, 64);
        assertThat(g.backend.sent).containsExactly(good);
        assertThat(g.broken()).isFalse();
    }

    @Test
    void receivesAFrameIntoOneBuffer() {
        NetGuest g = start(0);
        g.addRxBuffers(2, 1526);
        byte[] f = frame(12 + 98, 6);
        g.arrive(f);
        List<DriverQueue.Used> used = g.rx.takeUsed();
        assertThat(used).hasSize(1);
        assertThat(used.getFirst().len()).isEqualTo(f.length);
        assertThat(g.driver.interrupts).hasValue(1);
    }

    @Test
    void receivedFramesKeepTheirBytesAndSayOneBuffer() {
        NetGuest g = start(0);
        g.addRxBuffers(2, 1526);
        byte[] f = frame(12 + 1514, 7);
        g.arrive(f);
        assertThat(g.received()).containsExactly(asReceived(f, 1));
    }

    @Test
    void withoutMergeableBuffersAFrameTooBigForItsBufferIsDroppedAndTheNextDelivered() {
        NetGuest g = start(0);
        g.addRxBuffers(2, 1526);
        byte[] tooBig = frame(2000, 8);
        byte[] next = frame(100, 9);
        g.backend.incoming.add(tooBig);
        g.arrive(next);
        List<DriverQueue.Used> used = g.rx.takeUsed();
        assertThat(used).extracting(DriverQueue.Used::len).containsExactly(0, 100);
        assertThat(g.broken()).isFalse();
    }

    @Test
    void mergeableBuffersTakeOneFrameAcrossSeveralChainsPublishedTogether() {
        NetGuest g = start(NetGuest.MRG_RXBUF);
        g.addRxBuffers(5, 1000);
        byte[] f = frame(3500, 10);
        g.arrive(f);
        List<DriverQueue.Used> used = g.rx.takeUsed();
        assertThat(used).extracting(DriverQueue.Used::len).containsExactly(1000, 1000, 1000, 500);
        assertThat(g.driver.interrupts).hasValue(1);

        g.addRxBuffers(4, 1000);
        g.driver.kick(NetDevice.RX_QUEUE);
        byte[] h = frame(64 * 1024, 11);
        g.arrive(h);
        assertThat(g.rx.takeUsed()).as("5 buffers are not enough for 64 KiB: nothing published yet").isEmpty();
        g.addRxBuffers(70, 1000);
        g.driver.kick(NetDevice.RX_QUEUE);
        assertThat(g.received()).containsExactly(asReceived(h, 66));
    }

    @Test
    void aFrameWithoutBuffersWaitsInsideTheDeviceAndTheBackendIsNotReadMeanwhile() {
        NetGuest g = start(NetGuest.MRG_RXBUF | MockDriver.EVENT_IDX);
        byte[] first = frame(300, 12);
        byte[] second = frame(400, 13);
        g.backend.incoming.add(first);
        g.arrive(second);
        assertThat(g.backend.reads).as("one frame taken, then the device stops").isEqualTo(1);
        assertThat(g.rx.availEvent()).as("the guest is asked to kick when it adds a buffer").isEqualTo(0);
        g.driver.device.processQueue(NetDevice.RX_QUEUE); // another readiness edge of the TAP
        assertThat(g.backend.reads).isEqualTo(1);
        assertThat(g.rx.takeUsed()).isEmpty();

        g.addRxBuffers(1, 2048);
        g.driver.kick(NetDevice.RX_QUEUE);
        assertThat(g.received()).containsExactly(asReceived(first, 1));
        assertThat(g.backend.reads).as("the second frame waits for a buffer").isEqualTo(2);

        g.addRxBuffers(3, 2048);
        g.driver.kick(NetDevice.RX_QUEUE);
        assertThat(g.received()).containsExactly(asReceived(second, 1));
        assertThat(g.backend.incoming).isEmpty();
        assertThat(g.backend.framesRead).isEqualTo(2);
    }

    @Test
    void receiveChainsThatCannotHoldAFrameAreReturnedUnusedAndTheFrameGoesToTheNext() {
        NetGuest g = start(NetGuest.MRG_RXBUF);
        int tiny = g.rx.submit(List.of(Buf.out(g.driver.alloc(8, 8), 8)));
        int readable = g.rx.submit(List.of(Buf.in(g.driver.alloc(64, 8), 64)));
        int outside = g.rx.submit(List.of(Buf.out(MockDriver.RAM_SIZE - 4, 64)));
        g.addRxBuffers(1, 2048);
        byte[] f = frame(100, 14);
        g.arrive(f);
        List<DriverQueue.Used> used = g.rx.takeUsed();
        assertThat(used).hasSize(4);
        assertThat(used.subList(0, 3)).containsExactly(new DriverQueue.Used(tiny, 0),
                new DriverQueue.Used(readable, 0), new DriverQueue.Used(outside, 0));
        assertThat(used.get(3).len()).isEqualTo(100);
        assertThat(g.broken()).isFalse();
    }

    @Test
    void aResetDropsThePendingFrameAndTheNextDriverGetsOnlyNewOnes() {
        NetGuest g = start(NetGuest.MRG_RXBUF);
        g.addRxBuffers(1, 100);
        g.arrive(frame(1000, 15));
        assertThat(g.rx.takeUsed()).as("pending: one 100-byte buffer is not enough").isEmpty();
        g.driver.reg(MmioRegister.STATUS, 0);
        assertThat(g.backend.offloads).isEqualTo(EnumSet.noneOf(Offload.class));

        g.driver.probe(MockDriver.VERSION_1 | NetGuest.MRG_RXBUF, 2, 256);
        DriverQueue rx = g.driver.queue(2); // the queues the second probe laid out
        long buffer = g.driver.alloc(2048, 8);
        rx.submit(List.of(Buf.out(buffer, 2048)));
        g.driver.kick(NetDevice.RX_QUEUE);
        byte[] fresh = frame(500, 16);
        g.arrive(fresh);
        List<DriverQueue.Used> used = rx.takeUsed();
        assertThat(used).extracting(DriverQueue.Used::len).containsExactly(500);
        assertThat(g.driver.memory.read(buffer, 500)).isEqualTo(asReceived(fresh, 1));
    }
}
