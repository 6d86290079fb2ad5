package dev.panamax.virtio;

import dev.panamax.memory.GuestMemory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A guest-side virtio-mmio driver for tests: it programs a {@link VirtioMmioDevice}'s registers
 * the way Linux's virtio_mmio + virtio core do (probe: magic, version, device ID, vendor; reset;
 * ACKNOWLEDGE; DRIVER; read 64 feature bits with DeviceFeaturesSel 1 then 0; write the accepted
 * ones with DriverFeaturesSel 1 then 0; FEATURES_OK and read it back; per queue QueueSel, check
 * QueueReady is 0, read QueueNumMax, write QueueNum and the three ring addresses low/high,
 * QueueReady = 1; then DRIVER_OK), and lays out split queues in guest memory.
 */
final class MockDriver implements AutoCloseable {
    static final long RAM_SIZE = 1 << 20;
    static final long ACK = DeviceStatus.ACKNOWLEDGE;
    static final long VERSION_1 = 1L << 32;
    static final long INDIRECT_DESC = 1L << 28;
    static final long EVENT_IDX = 1L << 29;

    final GuestMemory memory;
    final VirtioMmioDevice device;
    final AtomicInteger interrupts = new AtomicInteger();
    final List<Integer> notifications = new ArrayList<>();
    final List<DriverQueue> queues = new ArrayList<>();
    private final boolean ownsMemory;
    private long nextFree = 0x1000;
    long negotiated;

    MockDriver(VirtioDevice target) {
        this(target, GuestMemory.anonymous(List.of(new GuestMemory.Range(0, RAM_SIZE))), true);
    }

    MockDriver(VirtioDevice target, GuestMemory memory, boolean ownsMemory) {
        this.memory = memory;
        this.ownsMemory = ownsMemory;
        this.device = new VirtioMmioDevice(memory, target, interrupts::incrementAndGet, notifications::add);
    }

    /** A driver of {@code device}, a transport made elsewhere (with its own interrupt callback). */
    MockDriver(GuestMemory memory, boolean ownsMemory, VirtioMmioDevice device) {
        this.memory = memory;
        this.ownsMemory = ownsMemory;
        this.device = device;
    }

    /**
     * A driver of a fresh transport of {@code target} over this driver's memory and rings, the
     * transport restored from this one's saved state: what the guest has after its VM was
     * snapshotted and restored.
     */
    MockDriver restoredOnto(VirtioDevice target) {
        MockDriver restored = new MockDriver(target, memory, false);
        restored.device.restoreState(device.saveState(), device.saveDeviceState());
        restored.queues.addAll(queues);
        restored.nextFree = nextFree;
        return restored;
    }

    int reg(int offset) {
        return (int) device.read(offset, 4);
    }

    void reg(int offset, int value) {
        device.write(offset, 4, Integer.toUnsignedLong(value));
    }

    int status() {
        return reg(MmioRegister.STATUS);
    }

    /** virtio_add_status: read, OR, write back. */
    void addStatus(int bit) {
        reg(MmioRegister.STATUS, status() | bit);
    }

    long deviceFeatures() {
        reg(MmioRegister.DEVICE_FEATURES_SEL, 1);
        long features = Integer.toUnsignedLong(reg(MmioRegister.DEVICE_FEATURES)) << 32;
        reg(MmioRegister.DEVICE_FEATURES_SEL, 0);
        return features | Integer.toUnsignedLong(reg(MmioRegister.DEVICE_FEATURES));
    }

    void writeDriverFeatures(long features) {
        reg(MmioRegister.DRIVER_FEATURES_SEL, 1);
        reg(MmioRegister.DRIVER_FEATURES, (int) (features >>> 32));
        reg(MmioRegister.DRIVER_FEATURES_SEL, 0);
        reg(MmioRegister.DRIVER_FEATURES, (int) features);
    }

    /** Probe up to FEATURES_OK; returns whether the device kept FEATURES_OK. */
    boolean negotiate(long wanted) {
        assertThat(reg(MmioRegister.MAGIC_VALUE)).isEqualTo(0x74726976);
        assertThat(reg(MmioRegister.VERSION)).isEqualTo(2);
        assertThat(reg(MmioRegister.DEVICE_ID)).isNotZero();
        reg(MmioRegister.VENDOR_ID);
        reg(MmioRegister.STATUS, 0);
        assertThat(status()).isZero();
        addStatus(DeviceStatus.ACKNOWLEDGE);
        addStatus(DeviceStatus.DRIVER);
        negotiated = deviceFeatures() & wanted;
        writeDriverFeatures(negotiated);
        addStatus(DeviceStatus.FEATURES_OK);
        return (status() & DeviceStatus.FEATURES_OK) != 0;
    }

    /** The whole Linux probe with {@code queueCount} queues of (at most) {@code size} entries. */
    MockDriver probe(long wanted, int queueCount, int size) {
        assertThat(negotiate(wanted)).as("FEATURES_OK accepted").isTrue();
        for (int q = 0; q < queueCount; q++) {
            setupQueue(q, size);
        }
        addStatus(DeviceStatus.DRIVER_OK);
        assertThat(status() & DeviceStatus.DRIVER_OK).isNotZero();
        return this;
    }

    MockDriver probe(long wanted) {
        return probe(wanted, 1, 256);
    }

    DriverQueue setupQueue(int index, int wantedSize) {
        reg(MmioRegister.QUEUE_SEL, index);
        assertThat(reg(MmioRegister.QUEUE_READY)).isZero();
        int max = reg(MmioRegister.QUEUE_NUM_MAX);
        assertThat(max).isPositive();
        int size = Math.min(max, wantedSize);
        long desc = alloc(16L * size, 4096);
        long avail = alloc(6 + 2L * size, 2);
        long used = alloc(6 + 8L * size, 4096);
        reg(MmioRegister.QUEUE_NUM, size);
        reg(MmioRegister.QUEUE_DESC_LOW, (int) desc);
        reg(MmioRegister.QUEUE_DESC_HIGH, (int) (desc >>> 32));
        reg(MmioRegister.QUEUE_DRIVER_LOW, (int) avail);
        reg(MmioRegister.QUEUE_DRIVER_HIGH, (int) (avail >>> 32));
        reg(MmioRegister.QUEUE_DEVICE_LOW, (int) used);
        reg(MmioRegister.QUEUE_DEVICE_HIGH, (int) (used >>> 32));
        reg(MmioRegister.QUEUE_READY, 1);
        DriverQueue q = new DriverQueue(this, index, size, desc, avail, used);
        queues.add(q);
        return q;
    }

    DriverQueue queue(int index) {
        return queues.get(index);
    }

    /** Zeroed guest memory for buffers and rings (a bump allocator; tests are short). */
    long alloc(long size, int alignment) {
        long at = (nextFree + alignment - 1) & -(long) alignment;
        if (at + size > RAM_SIZE) {
            throw new IllegalStateException("mock driver out of guest memory");
        }
        nextFree = at + Math.max(size, 1);
        memory.slice(at, size).fill((byte) 0);
        return at;
    }

    /** Forget all buffer allocations (rings stay where they are). */
    void resetAllocator(long mark) {
        nextFree = mark;
    }

    long allocationMark() {
        return nextFree;
    }

    /** QueueNotify through the MMIO path, then the "event loop" runs the queue. */
    void kick(int queue) {
        int before = notifications.size();
        reg(MmioRegister.QUEUE_NOTIFY, queue);
        assertThat(notifications).hasSize(before + 1).last().isEqualTo(queue);
        device.processQueue(queue);
    }

    /** The interrupt handler: read InterruptStatus, acknowledge it; returns it. */
    int acknowledgeInterrupt() {
        int isr = reg(MmioRegister.INTERRUPT_STATUS);
        reg(MmioRegister.INTERRUPT_ACK, isr);
        return isr;
    }

    @Override
    public void close() {
        if (ownsMemory) {
            memory.close();
        }
    }
}
