package dev.panamax.virtio;

import dev.panamax.virtio.DriverQueue.Buf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Split-queue parsing and the rules a hostile driver can break, seen through the transport. */
class VirtqueueTest {
    private static final int SIZE = 8;
    private final RecordingDevice target = new RecordingDevice(1, SIZE);
    private final MockDriver driver = new MockDriver(target);

    @AfterEach
    void close() {
        driver.close();
    }

    private DriverQueue probe(long features) {
        driver.probe(MockDriver.VERSION_1 | features, 1, SIZE);
        return driver.queue(0);
    }

    private boolean needsReset() {
        return (driver.status() & DeviceStatus.DEVICE_NEEDS_RESET) != 0;
    }

    @Test
    void popsChainsInOrderWithTheirBuffers() {
        DriverQueue q = probe(0);
        target.usedLength = 7;
        int a = q.submit(List.of(Buf.in(0x8000, 16), Buf.out(0x9000, 32)));
        int b = q.submit(List.of(Buf.out(0xa000, 1)));
        driver.kick(0);

        assertThat(target.chains).hasSize(2);
        DescriptorChain first = target.chains.get(0);
        assertThat(first.headIndex()).isEqualTo(a);
        assertThat(first.toList()).extracting(Descriptor::address, Descriptor::length, Descriptor::isWriteOnly)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0x8000L, 16L, false),
                        org.assertj.core.groups.Tuple.tuple(0x9000L, 32L, true));
        assertThat(target.chains.get(1).headIndex()).isEqualTo(b);
        assertThat(q.takeUsed()).containsExactly(new DriverQueue.Used(a, 7), new DriverQueue.Used(b, 7));
        assertThat(driver.interrupts).hasValue(1);
        assertThat(driver.acknowledgeInterrupt()).isEqualTo(MmioRegister.INT_VRING);
        assertThat(driver.reg(MmioRegister.INTERRUPT_STATUS)).isZero();
    }

    @Test
    void indexesWrapAroundSixteenBits() {
        DriverQueue q = probe(0);
        for (int i = 0; i < 65_536 + 10; i++) {
            int head = q.submit(List.of(Buf.out(0x8000, 4)));
            driver.device.processQueue(0);
            assertThat(q.takeUsed()).containsExactly(new DriverQueue.Used(head, 0));
        }
        assertThat(needsReset()).isFalse();
        assertThat(q.usedIdx()).isEqualTo(10);
    }

    @Test
    void aLoopingChainNeedsReset() {
        DriverQueue q = probe(0);
        q.writeDescriptor(q.desc, 0, 0x8000, 4, Descriptor.NEXT, 1);
        q.writeDescriptor(q.desc, 1, 0x8000, 4, Descriptor.NEXT, 0);
        q.publish(0);
        driver.kick(0);
        assertThat(needsReset()).isTrue();
        assertThat(target.chains).isEmpty();
        assertThat(driver.acknowledgeInterrupt()).isEqualTo(MmioRegister.INT_CONFIG);
    }

    @Test
    void aChainOfExactlyTheQueueSizeIsFineOneMoreIsNot() {
        DriverQueue q = probe(0);
        for (int i = 0; i < SIZE; i++) {
            q.writeDescriptor(q.desc, i, 0x8000, 1, i + 1 < SIZE ? Descriptor.NEXT : 0, i + 1);
        }
        q.publish(0);
        driver.kick(0);
        assertThat(needsReset()).isFalse();
        assertThat(target.chains.getFirst().toList()).hasSize(SIZE);
    }

    @Test
    void descriptorIndexBeyondTheQueueNeedsReset() {
        DriverQueue q = probe(0);
        q.writeDescriptor(q.desc, 0, 0x8000, 4, Descriptor.NEXT, SIZE);
        q.publish(0);
        driver.kick(0);
        assertThat(needsReset()).isTrue();
    }

    @Test
    void headIndexBeyondTheQueueNeedsReset() {
        DriverQueue q = probe(0);
        q.publish(SIZE + 3);
        driver.kick(0);
        assertThat(needsReset()).isTrue();
    }

    @Test
    void availIndexJumpingPastTheQueueSizeNeedsReset() {
        DriverQueue q = probe(0);
        q.setAvailIdx(SIZE + 1);
        driver.kick(0);
        assertThat(needsReset()).isTrue();
        assertThat(target.chains).isEmpty();
    }

    @Test
    void availIndexExactlyAQueueAheadIsFine() {
        DriverQueue q = probe(0);
        for (int i = 0; i < SIZE; i++) {
            q.writeDescriptor(q.desc, i, 0x8000, 1, 0, 0);
            q.publish(i);
        }
        driver.kick(0);
        assertThat(needsReset()).isFalse();
        assertThat(target.chains).hasSize(SIZE);
    }

    @Test
    void chainLengthOverflowingFourGibNeedsReset() {
        DriverQueue q = probe(0);
        q.writeDescriptor(q.desc, 0, 0x8000, -1, Descriptor.NEXT, 1);
        q.writeDescriptor(q.desc, 1, 0x8000, 1, 0, 0);
        q.publish(0);
        driver.kick(0);
        assertThat(needsReset()).isTrue();
    }

    @Test
    void indirectTableIsExpanded() {
        DriverQueue q = probe(MockDriver.INDIRECT_DESC);
        int head = q.submitIndirect(List.of(Buf.in(0x8000, 16), Buf.out(0x9000, 512), Buf.out(0xa000, 1)));
        driver.kick(0);
        assertThat(needsReset()).isFalse();
        DescriptorChain chain = target.chains.getFirst();
        assertThat(chain.headIndex()).isEqualTo(head);
        assertThat(chain.toList()).extracting(Descriptor::address).containsExactly(0x8000L, 0x9000L, 0xa000L);
    }

    @Test
    void indirectWithoutTheFeatureNeedsReset() {
        DriverQueue q = probe(0);
        q.submitIndirect(List.of(Buf.out(0x9000, 1)));
        driver.kick(0);
        assertThat(needsReset()).isTrue();
    }

    @Test
    void nestedIndirectNeedsReset() {
        DriverQueue q = probe(MockDriver.INDIRECT_DESC);
        long inner = driver.alloc(16, 16);
        q.writeDescriptor(inner, 0, 0x9000, 1, Descriptor.WRITE, 0);
        long outer = driver.alloc(16, 16);
        q.writeDescriptor(outer, 0, inner, 16, Descriptor.INDIRECT, 0);
        q.writeDescriptor(q.desc, 0, outer, 16, Descriptor.INDIRECT, 0);
        q.publish(0);
        driver.kick(0);
        assertThat(needsReset()).isTrue();
    }

    @Test
    void indirectWithNextNeedsReset() {
        DriverQueue q = probe(MockDriver.INDIRECT_DESC);
        long table = driver.alloc(16, 16);
        q.writeDescriptor(table, 0, 0x9000, 1, Descriptor.WRITE, 0);
        q.writeDescriptor(q.desc, 0, table, 16, Descriptor.INDIRECT | Descriptor.NEXT, 1);
        q.writeDescriptor(q.desc, 1, 0x9000, 1, Descriptor.WRITE, 0);
        q.publish(0);
        driver.kick(0);
        assertThat(needsReset()).isTrue();
    }

    @Test
    void indirectTableLengthMustBeANonZeroMultipleOf16() {
        for (int length : new int[] {0, 8, 17}) {
            try (MockDriver d = new MockDriver(new RecordingDevice(1, SIZE))) {
                d.probe(MockDriver.VERSION_1 | MockDriver.INDIRECT_DESC, 1, SIZE);
                DriverQueue q = d.queue(0);
                long table = d.alloc(32, 16);
                q.writeDescriptor(table, 0, 0x9000, 1, Descriptor.WRITE, 0);
                q.writeDescriptor(q.desc, 0, table, length, Descriptor.INDIRECT, 0);
                q.publish(0);
                d.kick(0);
                assertThat(d.status() & DeviceStatus.DEVICE_NEEDS_RESET).as("length %d", length).isNotZero();
            }
        }
    }

    @Test
    void indirectTableOutsideRamNeedsReset() {
        DriverQueue q = probe(MockDriver.INDIRECT_DESC);
        q.writeDescriptor(q.desc, 0, MockDriver.RAM_SIZE - 16, 32, Descriptor.INDIRECT, 0);
        q.publish(0);
        driver.kick(0);
        assertThat(needsReset()).isTrue();
    }

    @Test
    void loopInsideAnIndirectTableNeedsReset() {
        DriverQueue q = probe(MockDriver.INDIRECT_DESC);
        long table = driver.alloc(32, 16);
        q.writeDescriptor(table, 0, 0x9000, 1, Descriptor.NEXT, 1);
        q.writeDescriptor(table, 1, 0x9000, 1, Descriptor.NEXT, 0);
        q.writeDescriptor(q.desc, 0, table, 32, Descriptor.INDIRECT, 0);
        q.publish(0);
        driver.kick(0);
        assertThat(needsReset()).isTrue();
    }

    /**
     * Linux sizes an indirect table by the request's segments, not by the ring: a 200-segment
     * request on a ring of 8 is a normal request, bounded by its table's 200 entries.
     */
    @Test
    void anIndirectTableLongerThanTheQueueIsServed() {
        DriverQueue q = probe(MockDriver.INDIRECT_DESC);
        List<Buf> bufs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            bufs.add(Buf.out(0x8000 + 16L * i, 16));
        }
        int head = q.submitIndirect(bufs);
        driver.kick(0);
        assertThat(needsReset()).isFalse();
        assertThat(target.chains.getFirst().headIndex()).isEqualTo(head);
        assertThat(target.chains.getFirst().toList()).hasSize(200);
        assertThat(q.takeUsed()).extracting(DriverQueue.Used::id).containsExactly(head);
    }

    @Test
    @Timeout(10)
    void aLongIndirectTableThatLoopsNeedsReset() {
        DriverQueue q = probe(MockDriver.INDIRECT_DESC);
        int entries = 200;
        long table = driver.alloc(16L * entries, 16);
        for (int i = 0; i < entries; i++) {
            q.writeDescriptor(table, i, 0x9000, 1, Descriptor.NEXT, (i + 1) % entries);
        }
        q.writeDescriptor(q.desc, 0, table, 16 * entries, Descriptor.INDIRECT, 0);
        q.publish(0);
        driver.kick(0);
        assertThat(needsReset()).isTrue();
        assertThat(target.chains).isEmpty();
    }

    @Test
    void eventIdxWritesAvailEventWhenTheRingRunsDry() {
        DriverQueue q = probe(MockDriver.EVENT_IDX);
        q.submit(List.of(Buf.out(0x8000, 1)));
        q.submit(List.of(Buf.out(0x8000, 1)));
        driver.kick(0);
        assertThat(q.availEvent()).isEqualTo(2);
    }

    @Test
    void eventIdxInterruptsOnlyWhenUsedIdxPassesUsedEvent() {
        DriverQueue q = probe(MockDriver.EVENT_IDX);
        q.setUsedEvent(1); // interrupt me once the used ring holds entry 1, i.e. used.idx becomes 2
        q.submit(List.of(Buf.out(0x8000, 1)));
        driver.kick(0);
        assertThat(driver.interrupts).hasValue(0);
        q.submit(List.of(Buf.out(0x8000, 1)));
        driver.kick(0);
        assertThat(driver.interrupts).hasValue(1);
        q.submit(List.of(Buf.out(0x8000, 1)));
        driver.kick(0);
        assertThat(driver.interrupts).as("used_event left behind").hasValue(1);
        q.setUsedEvent(3);
        q.submit(List.of(Buf.out(0x8000, 1)));
        driver.kick(0);
        assertThat(driver.interrupts).hasValue(2);
    }

    @Test
    void withoutEventIdxNoInterruptFlagSuppresses() {
        DriverQueue q = probe(0);
        q.setAvailFlags(1);
        q.submit(List.of(Buf.out(0x8000, 1)));
        driver.kick(0);
        assertThat(driver.interrupts).hasValue(0);
        assertThat(q.takeUsed()).hasSize(1);
        q.setAvailFlags(0);
        q.submit(List.of(Buf.out(0x8000, 1)));
        driver.kick(0);
        assertThat(driver.interrupts).hasValue(1);
    }

    @Test
    void nothingAvailableMeansNoInterrupt() {
        probe(0);
        driver.kick(0);
        assertThat(driver.interrupts).hasValue(0);
        assertThat(target.chains).isEmpty();
    }
}
