package dev.panamax.virtio;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Frames arriving at the backend and receive buffers added by the guest, in any interleaving
 * (with and without MRG_RXBUF and EVENT_IDX): every frame reaches the guest exactly once, in
 * order, and the device never holds more than one frame taken from the backend.
 */
@AddLifecycleHook(FuzzBudget.class)
class NetDeviceProperties {
    /** One step: a frame of {@code size} bytes arrives (buffers == 0), or buffers are added. */
    record Step(int frameSize, int buffers, int bufferSize) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> arrive = Arbitraries.integers().between(NetDevice.HEADER_SIZE, 2000).map(n -> new Step(n, 0, 0));
        Arbitrary<Step> add = Arbitraries.integers().between(1, 4).flatMap(count ->
                Arbitraries.integers().between(NetDevice.HEADER_SIZE, 1600).map(size -> new Step(0, count, size)));
        Arbitrary<Step> edge = Arbitraries.just(new Step(0, 0, 0)); // readiness with nothing new
        return Arbitraries.frequencyOf(
                Tuple.of(4, arrive), Tuple.of(4, add), Tuple.of(1, edge))
                .list().ofMaxSize(30);
    }

    @Property(tries = 200)
    void everyFrameIsDeliveredOnceInOrder(@ForAll("steps") List<Step> steps, @ForAll boolean mergeable,
                                          @ForAll boolean eventIdx) {
        long features = (mergeable ? NetGuest.MRG_RXBUF : 0) | (eventIdx ? MockDriver.EVENT_IDX : 0);
        try (NetGuest g = new NetGuest(features)) {
            List<byte[]> expected = new ArrayList<>();
            List<byte[]> received = new ArrayList<>();
            long seed = 0;
            for (Step s : steps) {
                if (s.buffers() > 0) {
                    // without MRG_RXBUF a buffer must hold any frame whole
                    g.addRxBuffers(s.buffers(), mergeable ? s.bufferSize() : 2048);
                    g.driver.kick(NetDevice.RX_QUEUE);
                } else if (s.frameSize() > 0) {
                    byte[] f = NetGuest.frame(s.frameSize(), seed++);
                    expected.add(f);
                    g.arrive(f);
                } else {
                    g.driver.device.processQueue(NetDevice.RX_QUEUE);
                }
                received.addAll(g.received());
                assertThat(g.backend.framesRead - received.size()).as("frames taken but not delivered").isBetween(0, 1);
            }
            while (received.size() < expected.size()) {
                g.addRxBuffers(1, 2048);
                g.driver.kick(NetDevice.RX_QUEUE);
                received.addAll(g.received());
            }
            assertThat(received).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                byte[] got = received.get(i);
                int numBuffers = (got[10] & 0xFF) | (got[11] & 0xFF) << 8;
                assertThat(got).as("frame %d", i).isEqualTo(NetGuest.asReceived(expected.get(i), numBuffers));
                assertThat(numBuffers).as("num_buffers").isPositive();
                if (!mergeable) {
                    assertThat(numBuffers).as("num_buffers without MRG_RXBUF").isEqualTo(1);
                }
            }
            assertThat(g.broken()).isFalse();
            FuzzBudget.chainsOf(g.driver);
        }
    }
}
