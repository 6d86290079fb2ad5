package dev.panamax.virtio;

import dev.panamax.virtio.DriverQueue.Buf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The virtio-mmio register file and the driver status state machine. */
class VirtioMmioDeviceTest {
    private final RecordingDevice target = new RecordingDevice(2, 16);
    private final MockDriver driver = new MockDriver(target);

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void identifiesItself() {
        assertThat(driver.reg(MmioRegister.MAGIC_VALUE)).isEqualTo(0x74726976);
        assertThat(driver.reg(MmioRegister.VERSION)).isEqualTo(2);
        assertThat(driver.reg(MmioRegister.DEVICE_ID)).isEqualTo(0x2a);
        assertThat(driver.reg(MmioRegister.VENDOR_ID)).isEqualTo(0x584d4e50);
        assertThat(driver.device.queueCount()).isEqualTo(2);
        assertThat(VirtioMmioDevice.NOTIFY_OFFSET).isEqualTo(0x50);
    }

    @Test
    void offersTransportAndDeviceFeatures() {
        assertThat(driver.deviceFeatures()).isEqualTo((1L << 32) | (1L << 29) | (1L << 28) | (1L << 3));
        driver.reg(MmioRegister.DEVICE_FEATURES_SEL, 2);
        assertThat(driver.reg(MmioRegister.DEVICE_FEATURES)).isZero();
    }

    @Test
    void probesLikeLinuxAndActivates() {
        driver.probe(MockDriver.VERSION_1 | MockDriver.EVENT_IDX | (1L << 3), 2, 16);
        assertThat(driver.status()).isEqualTo(DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER | DeviceStatus.FEATURES_OK
                | DeviceStatus.DRIVER_OK);
        assertThat(target.activations).isEqualTo(1);
        assertThat(target.ackedFeatures).isEqualTo(MockDriver.VERSION_1 | MockDriver.EVENT_IDX | (1L << 3));
        driver.reg(MmioRegister.QUEUE_SEL, 1);
        assertThat(driver.reg(MmioRegister.QUEUE_READY)).isEqualTo(1);
        assertThat(driver.reg(MmioRegister.QUEUE_NUM_MAX)).isEqualTo(16);
    }

    @Test
    void featuresOkNeedsVersion1() {
        assertThat(driver.negotiate(MockDriver.INDIRECT_DESC)).isFalse();
        assertThat(driver.status()).isEqualTo(DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER);
    }

    @Test
    void featuresOkRefusesFeaturesNotOffered() {
        driver.reg(MmioRegister.STATUS, 0);
        driver.addStatus(DeviceStatus.ACKNOWLEDGE);
        driver.addStatus(DeviceStatus.DRIVER);
        driver.writeDriverFeatures(MockDriver.VERSION_1 | (1L << 40));
        driver.addStatus(DeviceStatus.FEATURES_OK);
        assertThat(driver.status() & DeviceStatus.FEATURES_OK).isZero();
    }

    @Test
    void statusBitsComeInOrderAndCannotBeCleared() {
        driver.reg(MmioRegister.STATUS, DeviceStatus.DRIVER);
        assertThat(driver.status()).as("DRIVER before ACKNOWLEDGE").isZero();
        driver.addStatus(DeviceStatus.ACKNOWLEDGE);
        driver.addStatus(DeviceStatus.DRIVER_OK);
        assertThat(driver.status()).as("DRIVER_OK before FEATURES_OK").isEqualTo(DeviceStatus.ACKNOWLEDGE);
        driver.addStatus(DeviceStatus.DRIVER);
        driver.reg(MmioRegister.STATUS, DeviceStatus.DRIVER);
        assertThat(driver.status()).as("clearing ACKNOWLEDGE").isEqualTo(DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER);
        driver.addStatus(DeviceStatus.DEVICE_NEEDS_RESET);
        assertThat(driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).as("the device's bit").isZero();
        driver.addStatus(DeviceStatus.FAILED);
        assertThat(driver.status() & DeviceStatus.FAILED).isNotZero();
        assertThat(target.activations).isZero();
    }

    @Test
    void writingZeroResetsDeviceAndQueues() {
        driver.probe(MockDriver.VERSION_1, 2, 16);
        driver.queue(0).submit(List.of(Buf.out(0x8000, 1)));
        driver.kick(0);
        assertThat(driver.reg(MmioRegister.INTERRUPT_STATUS)).isNotZero();

        driver.reg(MmioRegister.STATUS, 0);
        assertThat(driver.status()).isZero();
        assertThat(target.resets).isEqualTo(1);
        assertThat(driver.reg(MmioRegister.INTERRUPT_STATUS)).isZero();
        for (int q = 0; q < 2; q++) {
            driver.reg(MmioRegister.QUEUE_SEL, q);
            assertThat(driver.reg(MmioRegister.QUEUE_READY)).isZero();
        }
        driver.device.processQueue(0);
        assertThat(target.chains).hasSize(1);

        // And it comes back to life with fresh rings.
        driver.queues.clear();
        driver.probe(MockDriver.VERSION_1, 1, 16);
        driver.queue(0).submit(List.of(Buf.out(0x8000, 1)));
        driver.kick(0);
        assertThat(target.chains).hasSize(2);
        assertThat(target.activations).isEqualTo(2);
    }

    @Test
    void anInterruptLeftUnacknowledgedIsRaisedAgainAfterItsPatienceAndOnlyThen() {
        long ms = 1_000_000;
        try (MockDriver d = new MockDriver(new RecordingDevice(1, 16))) {
            assertThat(d.device.reraiseIfUnacknowledged(0, 100 * ms)).as("nothing pending").isFalse();
            d.negotiate(MockDriver.VERSION_1);
            d.setupQueue(0, 16);
            d.reg(MmioRegister.QUEUE_NUM, 3); // a broken queue: DEVICE_NEEDS_RESET and a config interrupt
            d.addStatus(DeviceStatus.DRIVER_OK);
            assertThat(d.interrupts).hasValue(1);
            assertThat(d.device.reraiseIfUnacknowledged(1000 * ms, 100 * ms)).as("the clock starts").isFalse();
            assertThat(d.device.reraiseIfUnacknowledged(1099 * ms, 100 * ms)).as("within patience").isFalse();
            assertThat(d.device.reraiseIfUnacknowledged(1100 * ms, 100 * ms)).isTrue();
            assertThat(d.interrupts).hasValue(2);
            assertThat(d.device.reraiseIfUnacknowledged(1150 * ms, 100 * ms)).as("patience again").isFalse();
            assertThat(d.device.reraisedInterrupts()).isEqualTo(1);
            assertThat(d.device.describe()).startsWith("virtio-mmio type ").contains("interrupt_status 2 acks 0 reraised 1");
            // the driver acknowledges something but leaves a bit set: its patience starts over
            d.reg(MmioRegister.INTERRUPT_ACK, 0);
            assertThat(d.device.reraiseIfUnacknowledged(1250 * ms, 100 * ms)).isFalse();
            assertThat(d.device.reraiseIfUnacknowledged(1300 * ms, 100 * ms)).isFalse();
            assertThat(d.acknowledgeInterrupt()).isEqualTo(MmioRegister.INT_CONFIG);
            assertThat(d.device.reraiseIfUnacknowledged(5000 * ms, 100 * ms)).as("acknowledged").isFalse();
            assertThat(d.interrupts).hasValue(2);
        }
    }

    @Test
    void queueSizeMustBeAPowerOfTwoWithinTheMaximum() {
        for (int size : new int[] {0, 3, 32}) {
            try (MockDriver d = new MockDriver(new RecordingDevice(1, 16))) {
                assertThat(d.negotiate(MockDriver.VERSION_1)).isTrue();
                d.setupQueue(0, 16);
                d.reg(MmioRegister.QUEUE_NUM, size);
                d.addStatus(DeviceStatus.DRIVER_OK);
                assertThat(d.status() & DeviceStatus.DEVICE_NEEDS_RESET).as("size %d", size).isNotZero();
                assertThat(d.interrupts).hasValue(1);
                assertThat(d.acknowledgeInterrupt()).isEqualTo(MmioRegister.INT_CONFIG);
            }
        }
    }

    @Test
    void ringsMustBeAlignedAndInsideRam() {
        int[][] cases = {{MmioRegister.QUEUE_DESC_LOW, 0x10008}, {MmioRegister.QUEUE_DRIVER_LOW, 0x10001},
                {MmioRegister.QUEUE_DEVICE_LOW, 0x10002}, {MmioRegister.QUEUE_DEVICE_LOW, (int) MockDriver.RAM_SIZE - 8}};
        for (int[] c : cases) {
            try (MockDriver d = new MockDriver(new RecordingDevice(1, 16))) {
                assertThat(d.negotiate(MockDriver.VERSION_1)).isTrue();
                d.setupQueue(0, 16);
                d.reg(c[0], c[1]);
                d.addStatus(DeviceStatus.DRIVER_OK);
                assertThat(d.status() & DeviceStatus.DEVICE_NEEDS_RESET).as("0x%x = 0x%x", c[0], c[1]).isNotZero();
            }
        }
    }

    @Test
    void queueRegistersAreFrozenOnceRunning() {
        driver.probe(MockDriver.VERSION_1, 1, 16);
        driver.reg(MmioRegister.QUEUE_SEL, 0);
        driver.reg(MmioRegister.QUEUE_READY, 0);
        driver.reg(MmioRegister.QUEUE_DESC_LOW, 0x123);
        assertThat(driver.reg(MmioRegister.QUEUE_READY)).isEqualTo(1);
        driver.queue(0).submit(List.of(Buf.out(0x8000, 1)));
        driver.kick(0);
        assertThat(target.chains).hasSize(1);
    }

    @Test
    void queueNotifyIsForwardedOnlyForARunningDeviceAndARealQueue() {
        driver.reg(MmioRegister.QUEUE_NOTIFY, 0);
        assertThat(driver.notifications).isEmpty();
        driver.probe(MockDriver.VERSION_1, 2, 16);
        driver.reg(MmioRegister.QUEUE_NOTIFY, 2);
        driver.reg(MmioRegister.QUEUE_NOTIFY, -1);
        assertThat(driver.notifications).isEmpty();
        driver.reg(MmioRegister.QUEUE_NOTIFY, 1);
        assertThat(driver.notifications).containsExactly(1);
    }

    @Test
    void nonexistentQueueReadsAsAbsent() {
        driver.reg(MmioRegister.QUEUE_SEL, 5);
        assertThat(driver.reg(MmioRegister.QUEUE_NUM_MAX)).isZero();
        assertThat(driver.reg(MmioRegister.QUEUE_READY)).isZero();
    }

    @Test
    void oddAccessesReadZeroAndAreIgnored() {
        assertThat(driver.device.read(MmioRegister.MAGIC_VALUE, 2)).isZero();
        assertThat(driver.device.read(MmioRegister.MAGIC_VALUE, 8)).isZero();
        assertThat(driver.device.read(MmioRegister.MAGIC_VALUE + 1, 4)).isZero();
        assertThat(driver.device.read(0x2000, 4)).isZero();
        assertThat(driver.device.read(-4, 4)).isZero();
        assertThat(driver.device.read(0x1_0000_0000L, 4)).as("no aliasing of magic").isZero();
        driver.device.write(0x1_0000_0070L, 4, DeviceStatus.ACKNOWLEDGE);
        assertThat(driver.status()).as("no aliasing of Status").isZero();
        assertThat(driver.device.read(MmioRegister.QUEUE_NUM, 4)).as("write-only").isZero();
        driver.device.write(MmioRegister.STATUS, 1, 1);
        driver.device.write(MmioRegister.STATUS, 8, 1);
        assertThat(driver.status()).isZero();
        long[] before = registerFile();
        driver.device.write(0x5000, 4, 1);
        driver.device.write(0xfff, 4, 0xffff_ffffL);
        driver.device.write(MmioRegister.CONFIG + 2, 8, -1L);
        assertThat(registerFile()).as("writes outside the window or in bad sizes change nothing").isEqualTo(before);
    }

    /** Every 32-bit register and config byte as the driver reads them. */
    private long[] registerFile() {
        long[] values = new long[MmioRegister.CONFIG / 4 + 16];
        for (int i = 0; i < MmioRegister.CONFIG / 4; i++) {
            values[i] = driver.device.read(4L * i, 4);
        }
        for (int i = 0; i < 16; i++) {
            values[MmioRegister.CONFIG / 4 + i] = driver.device.read(MmioRegister.CONFIG + i, 1);
        }
        return values;
    }

    @Test
    void configSpaceIsReadLittleEndianInSmallSizes() {
        long base = MmioRegister.CONFIG;
        assertThat(driver.device.read(base, 1)).isEqualTo(1);
        assertThat(driver.device.read(base + 1, 2)).isEqualTo(0x0302);
        assertThat(driver.device.read(base + 4, 4)).isEqualTo(0x08070605L);
        assertThat(driver.device.read(base, 8)).isZero();
        assertThat(driver.device.read(base + 6, 4)).as("past the end reads 0").isEqualTo(0x0807);
        assertThat(driver.device.read(0xffe, 4)).as("across the window's end").isZero();
        assertThat(driver.reg(MmioRegister.CONFIG_GENERATION)).isZero();
    }

    @Test
    void aBrokenRingNeedsResetAndStopsProcessingUntilReset() {
        driver.probe(MockDriver.VERSION_1, 1, 16);
        DriverQueue q = driver.queue(0);
        q.setAvailIdx(100);
        driver.kick(0);
        assertThat(driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isNotZero();
        assertThat(driver.interrupts).hasValue(1);
        assertThat(driver.acknowledgeInterrupt()).isEqualTo(MmioRegister.INT_CONFIG);
        driver.device.processQueue(0);
        assertThat(driver.interrupts).as("no second reset interrupt").hasValue(1);
        driver.reg(MmioRegister.STATUS, 0);
        assertThat(driver.status()).isZero();
    }

    @Test
    void aDeviceThatThrowsNeedsResetAndNothingEscapes() {
        driver.probe(MockDriver.VERSION_1, 1, 16);
        target.failWith = new IllegalStateException("boom");
        driver.queue(0).submit(List.of(Buf.out(0x8000, 1)));
        driver.kick(0);
        assertThat(driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isNotZero();
    }

    @Test
    void processQueueIgnoresBadIndexesAndIdleDevices() {
        driver.device.processQueue(0);
        driver.device.processQueue(-1);
        driver.device.processQueue(7);
        driver.probe(MockDriver.VERSION_1, 1, 16); // queue 1 left disabled
        driver.device.processQueue(1);
        assertThat(driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isZero();
    }

    @Test
    void interruptAckClearsOnlyTheAcknowledgedBits() {
        driver.probe(MockDriver.VERSION_1, 1, 16);
        driver.queue(0).submit(List.of(Buf.out(0x8000, 1)));
        driver.kick(0);
        driver.queue(0).setAvailIdx(200);
        driver.kick(0);
        assertThat(driver.reg(MmioRegister.INTERRUPT_STATUS)).isEqualTo(MmioRegister.INT_VRING | MmioRegister.INT_CONFIG);
        driver.reg(MmioRegister.INTERRUPT_ACK, MmioRegister.INT_VRING);
        assertThat(driver.reg(MmioRegister.INTERRUPT_STATUS)).isEqualTo(MmioRegister.INT_CONFIG);
    }

    @Test
    void interruptCallbackFailureDoesNotEscapeAndTheRequestStillCompletes() {
        RecordingDevice device = new RecordingDevice(1, 16);
        AtomicBoolean raised = new AtomicBoolean();
        try (MockDriver d = new MockDriver(device)) {
            VirtioMmioDevice failing = new VirtioMmioDevice(d.memory, device, () -> {
                raised.set(true);
                throw new IllegalStateException("irqfd closed");
            }, q -> {});
            MockDriver driverOfFailing = new MockDriver(d.memory, false, failing);
            driverOfFailing.probe(MockDriver.VERSION_1, 1, 16);
            driverOfFailing.queue(0).submit(List.of(Buf.out(0x8000, 1)));
            failing.processQueue(0);
            assertThat(raised).as("the interrupt was raised, and threw").isTrue();
            assertThat(driverOfFailing.queue(0).usedIdx()).as("the request was completed").isEqualTo(1);
            assertThat(driverOfFailing.reg(MmioRegister.INTERRUPT_STATUS)).isEqualTo(MmioRegister.INT_VRING);
            assertThat(driverOfFailing.status() & DeviceStatus.DEVICE_NEEDS_RESET).isZero();
        }
    }

    @Test
    void vcpuRegisterTrafficRacesQueueProcessingSafely() throws InterruptedException {
        try (MockDriver d = new MockDriver(new RngDevice())) {
            d.probe(MockDriver.VERSION_1, 1, 256);
            DriverQueue q = d.queue(0);
            long buffer = d.alloc(64, 8);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread vcpu = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        long isr = d.device.read(MmioRegister.INTERRUPT_STATUS, 4);
                        d.device.write(MmioRegister.INTERRUPT_ACK, 4, isr);
                        d.device.read(MmioRegister.STATUS, 4);
                        d.device.read(MmioRegister.CONFIG, 4);
                        d.device.write(MmioRegister.QUEUE_NOTIFY, 4, 0);
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "vcpu-0");
            vcpu.start();
            for (int i = 0; i < 20_000; i++) {
                int head = q.submit(List.of(Buf.out(buffer, 64)));
                d.device.processQueue(0);
                assertThat(q.takeUsed()).containsExactly(new DriverQueue.Used(head, 64));
            }
            stop.set(true);
            vcpu.join();
            assertThat(failure.get()).isNull();
            assertThat(d.interrupts).hasValue(20_000);
            assertThat(d.status() & DeviceStatus.DEVICE_NEEDS_RESET).isZero();
        }
    }
}
