package dev.panamax.virtio;

import dev.panamax.device.BusDevice;
import dev.panamax.device.InterruptLine;
import dev.panamax.device.PatientInterrupt;
import dev.panamax.memory.GuestMemory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * A virtio device on the virtio-mmio transport, version 2 (virtio 1.x, "Virtio Over MMIO"):
 * the register window the guest's virtio_mmio driver programs, feature negotiation, the driver
 * status state machine, the queues and the interrupt. It is a {@link BusDevice} itself: the VMM
 * maps it on its MMIO bus as it is.
 *
 * <p>Threads: {@link #read} and {@link #write} run on vCPU threads (MMIO exits),
 * {@link #processQueue} on the VMM's event loop. Two locks, always taken in this order:
 * <ul>
 * <li>{@code registerLock} guards the transport's register state: feature and queue
 *     selectors, the driver's features, the queue registers the driver programs before
 *     DRIVER_OK;</li>
 * <li>{@code deviceLock} serialises everything that reaches the {@link VirtioDevice} or a
 *     running queue: queue processing, the configuration space, and Status writes (they
 *     activate, reset or break the device). It alone writes {@code status} and
 *     {@code activated}.</li>
 * </ul>
 * Queue processing may block for long (a block device's fsync of a large image), so it must
 * not hold the lock the driver's register traffic takes: a vCPU selecting a queue or reading
 * QueueNumMax or DeviceFeatures is answered while a flush runs. A Status write does wait for
 * processing in flight, which is what makes a reset safe: once writing 0 returns, the device
 * is no longer writing into rings and buffers the driver is about to free. Queue registers
 * need no deviceLock: they only change before DRIVER_OK, and processing only touches a queue
 * after activation, which happens under both locks. The hot registers need no lock at all:
 * InterruptStatus/InterruptACK are an atomic, Status reads a volatile, and QueueNotify only
 * forwards the index. Nothing on the vCPU path allocates, and no method throws: guest
 * mistakes are ignored or turn the device into DEVICE_NEEDS_RESET.
 */
public final class VirtioMmioDevice implements BusDevice {
    /** QueueNotify's offset: the VMM puts one ioeventfd per queue here, datamatch = queue index. */
    public static final long NOTIFY_OFFSET = MmioRegister.QUEUE_NOTIFY;

    private static final Logger LOG = LoggerFactory.getLogger(VirtioMmioDevice.class);
    private static final int REGISTER_SIZE = 4;
    private static final long TRANSPORT_FEATURES = Feature.bit(Feature.VERSION_1)
            | Feature.bit(Feature.RING_INDIRECT_DESC) | Feature.bit(Feature.RING_EVENT_IDX);
    private static final long LOW_HALF = 0xFFFF_FFFFL;

    private final GuestMemory memory;
    private final VirtioDevice device;
    private final InterruptLine interrupt;
    private final IntConsumer queueNotifier;
    // The device's fixed properties, read once so the vCPU path never calls into the device.
    private final int deviceType;
    private final long offeredFeatures;
    private final List<Virtqueue> queues;

    /** Register state; taken before {@link #deviceLock} when both are needed. */
    private final ReentrantLock registerLock = new ReentrantLock();
    /** The device and its running queues; see the class comment. */
    private final ReentrantLock deviceLock = new ReentrantLock();
    /**
     * Driver mistakes (refused features, broken rings) logged at warn per device; the rest go to
     * debug, so that a guest repeating one in a loop cannot flood the host's log.
     */
    static final int MISTAKES_AT_WARN = 10;

    private final AtomicInteger interruptStatus = new AtomicInteger();
    /** The interrupt as the watchdog sees it: acknowledged by each InterruptACK write. */
    private final PatientInterrupt patientInterrupt = new PatientInterrupt(this::raiseInterrupt);
    /** ConfigGeneration: bumped by each {@link #changeConfig}, so the driver rereads a torn config. */
    private final AtomicInteger configGeneration = new AtomicInteger();
    /** Written under deviceLock, read without it. */
    private volatile int status;
    /** Driver mistakes logged so far; past {@link #MISTAKES_AT_WARN} they go to debug. */
    private final AtomicInteger mistakes = new AtomicInteger();

    // Guarded by registerLock.
    private int deviceFeaturesSel;
    private int driverFeaturesSel;
    private long driverFeatures;
    private int queueSel;
    // Guarded by deviceLock.
    private boolean activated;

    /**
     * @param interrupt     raises the device's edge-triggered interrupt line (an irqfd)
     * @param queueNotifier called with the queue index when the guest writes QueueNotify through
     *                      an MMIO exit (no ioeventfd caught it); the VMM hands it to its event
     *                      loop, which calls {@link #processQueue}
     */
    public VirtioMmioDevice(GuestMemory memory, VirtioDevice device, InterruptLine interrupt, IntConsumer queueNotifier) {
        this.memory = Objects.requireNonNull(memory, "memory");
        this.device = Objects.requireNonNull(device, "device");
        this.interrupt = Objects.requireNonNull(interrupt, "interrupt");
        this.queueNotifier = Objects.requireNonNull(queueNotifier, "queueNotifier");
        this.deviceType = device.deviceType();
        this.offeredFeatures = device.deviceFeatures() | TRANSPORT_FEATURES;
        int count = device.queueCount();
        if (count < 1) {
            throw new IllegalArgumentException("a virtio device needs at least one queue, not " + count);
        }
        List<Virtqueue> qs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            qs.add(new Virtqueue(memory, i, device.queueMaxSize()));
        }
        this.queues = List.copyOf(qs);
    }

    /** How many queues the device has (one ioeventfd each). */
    public int queueCount() {
        return queues.size();
    }

    /**
     * A guest read of {@code size} bytes at {@code offset} in the 4 KiB window: 32-bit for
     * registers, 8/16/32-bit for the configuration space; anything else reads 0.
     */
    @Override
    public long read(long offset, int size) {
        try {
            if (offset >= MmioRegister.CONFIG && offset < MmioRegister.WINDOW_SIZE) {
                return readConfig((int) (offset - MmioRegister.CONFIG), size);
            }
            if (size != REGISTER_SIZE || !isRegisterOffset(offset)) {
                return 0;
            }
            return Integer.toUnsignedLong(readRegister((int) offset));
        } catch (RuntimeException e) {
            LOG.warn("virtio-mmio {}: read at 0x{} failed", deviceType, Long.toHexString(offset), e);
            return 0;
        }
    }

    /** A guest write; see {@link #read} for the sizes that count. Never throws. */
    @Override
    public void write(long offset, int size, long value) {
        boolean raise = false;
        try {
            if (offset >= MmioRegister.CONFIG && offset < MmioRegister.WINDOW_SIZE) {
                writeConfig((int) (offset - MmioRegister.CONFIG), size, value);
            } else if (size == REGISTER_SIZE && isRegisterOffset(offset)) {
                raise = writeRegister((int) offset, (int) value);
            }
        } catch (RuntimeException e) {
            LOG.warn("virtio-mmio {}: write at 0x{} failed", deviceType, Long.toHexString(offset), e);
        }
        if (raise) {
            raiseInterrupt();
        }
    }

    /**
     * Serves queue {@code index} after the guest notified it: the device processes every
     * available chain, then the guest gets an interrupt if it asked for one. Called on the
     * event loop; never throws: a broken ring, or anything the device throws, sets
     * DEVICE_NEEDS_RESET and raises a configuration interrupt.
     */
    public void processQueue(int index) {
        boolean raise = false;
        // Not registerLock: a slow request must not stall the vCPUs' register traffic.
        deviceLock.lock();
        try {
            if (index < 0 || index >= queues.size() || !activated) {
                return;
            }
            if ((status & DeviceStatus.DEVICE_NEEDS_RESET) != 0) {
                return;
            }
            Virtqueue queue = queues.get(index);
            if (!queue.isActive()) {
                return;
            }
            if (device.process(index, queue) && queue.needsInterrupt()) {
                raise = setInterruptStatus(MmioRegister.INT_VRING);
            }
        } catch (VirtqueueException e) {
            raise = needsReset(e.getMessage(), null);
        } catch (Throwable t) {
            // Whatever a device does wrong, the event loop must survive; the guest sees a broken device.
            raise = needsReset("queue " + index + ": " + t, t);
        } finally {
            deviceLock.unlock();
        }
        if (raise) {
            raiseInterrupt();
        }
    }

    /**
     * Changes the device's configuration from the VMM's side (a drive's new image and size):
     * runs {@code change} under the device lock, so no request is being served meanwhile, then
     * bumps ConfigGeneration and, once the driver is running, raises a configuration-change
     * interrupt so that it rereads the configuration space. {@code change} may throw; then nothing
     * changed and nothing is raised.
     */
    public void changeConfig(Runnable change) {
        boolean raise;
        deviceLock.lock();
        try {
            change.run();
            configGeneration.incrementAndGet();
            raise = activated && setInterruptStatus(MmioRegister.INT_CONFIG);
        } finally {
            deviceLock.unlock();
        }
        if (raise) {
            raiseInterrupt();
        }
    }

    // ---- snapshots ----

    /**
     * The transport's state, for a snapshot. The VM must be paused: no vCPU in a register access,
     * no queue being processed (the locks are taken all the same, so a racing access waits).
     */
    public TransportState saveState() {
        registerLock.lock();
        deviceLock.lock();
        try {
            return new TransportState(deviceType, status, driverFeatures, deviceFeaturesSel, driverFeaturesSel,
                    queueSel, interruptStatus.get(), configGeneration.get(), activated,
                    queues.stream().map(Virtqueue::saveState).toList());
        } finally {
            deviceLock.unlock();
            registerLock.unlock();
        }
    }

    /** What the device records of itself for a snapshot ({@link VirtioDevice#saveState()}). */
    public DeviceState saveDeviceState() {
        deviceLock.lock();
        try {
            return device.saveState();
        } finally {
            deviceLock.unlock();
        }
    }

    /**
     * Puts a freshly made transport into the saved state, before any vCPU runs: the device checks
     * it is the one saved ({@link VirtioDevice#restoreState}), the queues take their registers
     * and progress, and a device that was serving is activated again with the features the
     * driver had accepted, then told so ({@link VirtioDevice#restored}).
     *
     * @throws IllegalArgumentException one line naming what does not fit (another device, other
     *     queues, rings outside guest RAM)
     */
    public void restoreState(TransportState saved, DeviceState savedDevice) {
        int savedType = saved.deviceType() != deviceType ? saved.deviceType() : savedDevice.deviceType();
        if (savedType != deviceType) {
            throw new IllegalArgumentException("virtio device type " + deviceType + ": the snapshot has device type "
                    + savedType + " in its place");
        }
        if (saved.queues().size() != queues.size()) {
            throw new IllegalArgumentException("virtio device type " + deviceType + ": the snapshot has "
                    + saved.queues().size() + " queues, the device " + queues.size());
        }
        if ((saved.driverFeatures() & ~offeredFeatures) != 0) {
            throw new IllegalArgumentException("virtio device type " + deviceType + ": the snapshot's features 0x"
                    + Long.toHexString(saved.driverFeatures()) + " were not all offered (0x"
                    + Long.toHexString(offeredFeatures) + ")");
        }
        boolean raise = false;
        registerLock.lock();
        deviceLock.lock();
        try {
            device.restoreState(savedDevice);
            boolean indirect = (saved.driverFeatures() & Feature.bit(Feature.RING_INDIRECT_DESC)) != 0;
            boolean eventIdx = (saved.driverFeatures() & Feature.bit(Feature.RING_EVENT_IDX)) != 0;
            for (int i = 0; i < queues.size(); i++) {
                queues.get(i).restoreState(saved.queues().get(i), indirect, eventIdx);
            }
            driverFeatures = saved.driverFeatures();
            deviceFeaturesSel = saved.deviceFeaturesSel();
            driverFeaturesSel = saved.driverFeaturesSel();
            queueSel = saved.queueSel();
            interruptStatus.set(saved.interruptStatus());
            configGeneration.set(saved.configGeneration());
            status = saved.status();
            // an interrupt the driver had not acknowledged is raised again: the old VM's edge may be gone
            raise = saved.interruptStatus() != 0;
            if (saved.activated()) {
                device.activate(memory, driverFeatures, queues);
                activated = true;
                if (device.restored(queues)) {
                    boolean used = false;
                    for (Virtqueue q : queues) {
                        used |= q.isActive() && q.needsInterrupt();
                    }
                    if (used) {
                        raise = setInterruptStatus(MmioRegister.INT_VRING);
                    }
                }
            }
        } catch (VirtqueueException e) {
            throw new IllegalArgumentException("virtio device type " + deviceType + ": " + e.getMessage(), e);
        } finally {
            deviceLock.unlock();
            registerLock.unlock();
        }
        if (raise) {
            raiseInterrupt();
        }
    }

    // ---- registers ----

    private static boolean isRegisterOffset(long offset) {
        return offset >= 0 && offset < MmioRegister.CONFIG && offset % REGISTER_SIZE == 0;
    }

    private int readRegister(int offset) {
        return switch (offset) {
            case MmioRegister.MAGIC_VALUE -> MmioRegister.MAGIC;
            case MmioRegister.VERSION -> MmioRegister.MMIO_VERSION;
            case MmioRegister.DEVICE_ID -> deviceType;
            case MmioRegister.VENDOR_ID -> MmioRegister.VENDOR;
            case MmioRegister.INTERRUPT_STATUS -> interruptStatus.get();
            case MmioRegister.STATUS -> status;
            case MmioRegister.CONFIG_GENERATION -> configGeneration.get();
            case MmioRegister.DEVICE_FEATURES, MmioRegister.QUEUE_NUM_MAX, MmioRegister.QUEUE_READY -> {
                registerLock.lock();
                try {
                    yield switch (offset) {
                        case MmioRegister.DEVICE_FEATURES -> featureWord(offeredFeatures, deviceFeaturesSel);
                        case MmioRegister.QUEUE_NUM_MAX -> selectedQueue() == null ? 0 : selectedQueue().maxSize();
                        default -> selectedQueue() != null && selectedQueue().isReady() ? 1 : 0;
                    };
                } finally {
                    registerLock.unlock();
                }
            }
            // Write-only and reserved registers read as 0.
            default -> 0;
        };
    }

    /** @return whether an interrupt must be raised (after the locks are released) */
    private boolean writeRegister(int offset, int value) {
        switch (offset) {
            case MmioRegister.QUEUE_NOTIFY -> {
                notifyQueue(value);
                return false;
            }
            case MmioRegister.INTERRUPT_ACK -> {
                // A non-capturing lambda: no allocation on the vCPU path.
                interruptStatus.accumulateAndGet(value, (s, acked) -> s & ~acked);
                patientInterrupt.acknowledged();
                return false;
            }
            default -> {
                // Everything else is register state (and Status also takes deviceLock).
            }
        }
        registerLock.lock();
        try {
            switch (offset) {
                case MmioRegister.DEVICE_FEATURES_SEL -> deviceFeaturesSel = value;
                case MmioRegister.DRIVER_FEATURES -> writeDriverFeatures(value);
                case MmioRegister.DRIVER_FEATURES_SEL -> driverFeaturesSel = value;
                case MmioRegister.QUEUE_SEL -> queueSel = value;
                case MmioRegister.STATUS -> {
                    return writeStatus(value);
                }
                case MmioRegister.QUEUE_NUM, MmioRegister.QUEUE_READY,
                     MmioRegister.QUEUE_DESC_LOW, MmioRegister.QUEUE_DESC_HIGH,
                     MmioRegister.QUEUE_DRIVER_LOW, MmioRegister.QUEUE_DRIVER_HIGH,
                     MmioRegister.QUEUE_DEVICE_LOW, MmioRegister.QUEUE_DEVICE_HIGH -> writeQueueRegister(offset, value);
                default -> LOG.debug("virtio-mmio {}: write to read-only or reserved register 0x{} ignored",
                        deviceType, Integer.toHexString(offset));
            }
            return false;
        } finally {
            registerLock.unlock();
        }
    }

    private void notifyQueue(int value) {
        // Only a running device has anything to do; an index past the queues is guest noise.
        if ((status & DeviceStatus.DRIVER_OK) == 0 || value < 0 || value >= queues.size()) {
            return;
        }
        queueNotifier.accept(value);
    }

    private static int featureWord(long features, int select) {
        return switch (select) {
            case 0 -> (int) features;
            case 1 -> (int) (features >>> 32);
            default -> 0;
        };
    }

    private void writeDriverFeatures(int value) {
        // Features are negotiated after DRIVER and frozen by FEATURES_OK.
        int s = status;
        if ((s & DeviceStatus.DRIVER) == 0 || (s & DeviceStatus.FEATURES_OK) != 0) {
            return;
        }
        long word = Integer.toUnsignedLong(value);
        switch (driverFeaturesSel) {
            case 0 -> driverFeatures = (driverFeatures & ~LOW_HALF) | word;
            case 1 -> driverFeatures = (driverFeatures & LOW_HALF) | (word << 32);
            default -> {
                // Feature words beyond 64 bits: nothing is offered there, and nothing may be accepted.
            }
        }
    }

    private Virtqueue selectedQueue() {
        return queueSel >= 0 && queueSel < queues.size() ? queues.get(queueSel) : null;
    }

    private void writeQueueRegister(int offset, int value) {
        Virtqueue q = selectedQueue();
        int s = status;
        // Queues are configured between FEATURES_OK and DRIVER_OK (a running device's queues
        // stay as they were activated).
        if (q == null || (s & DeviceStatus.FEATURES_OK) == 0 || (s & DeviceStatus.DRIVER_OK) != 0) {
            return;
        }
        long word = Integer.toUnsignedLong(value);
        switch (offset) {
            case MmioRegister.QUEUE_NUM -> q.setSize(value);
            case MmioRegister.QUEUE_READY -> q.setReady(value == 1);
            case MmioRegister.QUEUE_DESC_LOW -> q.setDescTable(withLow(q.descTable(), word));
            case MmioRegister.QUEUE_DESC_HIGH -> q.setDescTable(withHigh(q.descTable(), word));
            case MmioRegister.QUEUE_DRIVER_LOW -> q.setAvailRing(withLow(q.availRing(), word));
            case MmioRegister.QUEUE_DRIVER_HIGH -> q.setAvailRing(withHigh(q.availRing(), word));
            case MmioRegister.QUEUE_DEVICE_LOW -> q.setUsedRing(withLow(q.usedRing(), word));
            case MmioRegister.QUEUE_DEVICE_HIGH -> q.setUsedRing(withHigh(q.usedRing(), word));
            default -> throw new IllegalStateException("not a queue register: " + offset);
        }
    }

    private static long withLow(long address, long low) {
        return (address & ~LOW_HALF) | low;
    }

    private static long withHigh(long address, long high) {
        return (address & LOW_HALF) | (high << 32);
    }

    /**
     * The driver status state machine. 0 resets the device. Otherwise the driver may only add
     * bits, in order: ACKNOWLEDGE, DRIVER, FEATURES_OK (kept only if the accepted features are
     * offered ones and include VERSION_1; the driver reads Status back to find out), DRIVER_OK
     * (activates the device), and FAILED at any time. A write that would clear a bit is ignored;
     * DEVICE_NEEDS_RESET is the device's to set. Takes deviceLock, so it waits for queue
     * processing in flight (see the class comment).
     *
     * @return whether an interrupt must be raised
     */
    private boolean writeStatus(int value) {
        deviceLock.lock();
        try {
            return changeStatus(value);
        } finally {
            deviceLock.unlock();
        }
    }

    private boolean changeStatus(int value) {
        if (value == 0) {
            reset();
            return false;
        }
        int current = status;
        int requested = value & 0xFF & ~DeviceStatus.DEVICE_NEEDS_RESET;
        if ((current & ~DeviceStatus.DEVICE_NEEDS_RESET & ~requested) != 0 || (value & ~0xFF) != 0) {
            LOG.debug("virtio-mmio {}: status 0x{} would clear bits of 0x{}; ignored", deviceType,
                    Integer.toHexString(value), Integer.toHexString(current));
            return false;
        }
        int added = requested & ~current;
        int next = current;
        if ((added & DeviceStatus.ACKNOWLEDGE) != 0) {
            next |= DeviceStatus.ACKNOWLEDGE;
        }
        if ((added & DeviceStatus.DRIVER) != 0 && (next & DeviceStatus.ACKNOWLEDGE) != 0) {
            next |= DeviceStatus.DRIVER;
        }
        if ((added & DeviceStatus.FEATURES_OK) != 0 && (next & DeviceStatus.DRIVER) != 0 && featuresAcceptable()) {
            next |= DeviceStatus.FEATURES_OK;
        }
        if ((added & DeviceStatus.FAILED) != 0) {
            next |= DeviceStatus.FAILED;
        }
        boolean activate = (added & DeviceStatus.DRIVER_OK) != 0 && (next & DeviceStatus.FEATURES_OK) != 0;
        if (activate) {
            next |= DeviceStatus.DRIVER_OK;
        }
        status = next;
        return activate && !activate();
    }

    private boolean featuresAcceptable() {
        if ((driverFeatures & ~offeredFeatures) != 0) {
            mistake("virtio-mmio {}: driver accepted features 0x{} that were not offered (0x{})", deviceType,
                    Long.toHexString(driverFeatures), Long.toHexString(offeredFeatures));
            return false;
        }
        if ((driverFeatures & Feature.bit(Feature.VERSION_1)) == 0) {
            mistake("virtio-mmio {}: driver did not accept VIRTIO_F_VERSION_1 (legacy drivers are not supported)", deviceType);
            return false;
        }
        return true;
    }

    /** @return whether the device now runs; if not it needs a reset (and an interrupt says so) */
    private boolean activate() {
        boolean indirect = (driverFeatures & Feature.bit(Feature.RING_INDIRECT_DESC)) != 0;
        boolean eventIdx = (driverFeatures & Feature.bit(Feature.RING_EVENT_IDX)) != 0;
        for (Virtqueue q : queues) {
            if (q.isReady()) {
                try {
                    q.activate(indirect, eventIdx);
                } catch (VirtqueueException e) {
                    needsReset(e.getMessage(), null);
                    return false;
                }
            }
        }
        try {
            device.activate(memory, driverFeatures, queues);
            activated = true;
            return true;
        } catch (RuntimeException e) {
            needsReset("activation failed: " + e.getMessage(), e);
            return false;
        }
    }

    private void reset() {
        if (activated) {
            try {
                device.reset();
            } catch (RuntimeException e) {
                LOG.warn("virtio-mmio {}: device reset failed", deviceType, e);
            }
        }
        activated = false;
        for (Virtqueue q : queues) {
            q.reset();
        }
        deviceFeaturesSel = 0;
        driverFeaturesSel = 0;
        driverFeatures = 0;
        queueSel = 0;
        interruptStatus.set(0);
        status = 0;
    }

    /** Logs a driver mistake: at warn for the first {@link #MISTAKES_AT_WARN}, at debug after. */
    private void mistake(String format, Object... arguments) {
        int n = mistakes.incrementAndGet();
        if (n > MISTAKES_AT_WARN) {
            LOG.debug(format, arguments);
            return;
        }
        LOG.warn(format, arguments);
        if (n == MISTAKES_AT_WARN) {
            LOG.warn("virtio-mmio {}: {} driver mistakes logged; further ones only at debug", deviceType, n);
        }
    }

    /**
     * A fatal error: DEVICE_NEEDS_RESET, and a configuration interrupt to tell the driver.
     * Processing stops until the driver resets the device.
     *
     * @return whether an interrupt must be raised
     */
    private boolean needsReset(String problem, Throwable cause) {
        if ((status & DeviceStatus.DEVICE_NEEDS_RESET) != 0) {
            return false;
        }
        if (cause == null) {
            mistake("virtio-mmio {}: {}; device needs reset", deviceType, problem);
        } else {
            mistake("virtio-mmio {}: {}; device needs reset", deviceType, problem, cause);
        }
        status |= DeviceStatus.DEVICE_NEEDS_RESET;
        return setInterruptStatus(MmioRegister.INT_CONFIG);
    }

    private boolean setInterruptStatus(int bit) {
        interruptStatus.accumulateAndGet(bit, (s, b) -> s | b);
        return true;
    }

    /**
     * Raises the interrupt once more when InterruptStatus has had bits set for at least
     * {@code patienceNanos} (measured by this method's calls) with no InterruptACK meanwhile: an
     * edge that never reached the driver would otherwise leave the device waiting for good (the
     * driver acknowledges every interrupt it handles before it looks at the rings, so a status
     * left set means the interrupt was not seen). A surplus interrupt finds nothing to do. Called
     * by one thread, the VM's interrupt watchdog; returns whether it raised the interrupt.
     */
    public boolean reraiseIfUnacknowledged(long nowNanos, long patienceNanos) {
        return patientInterrupt.reraiseIfUnacknowledged(interruptStatus.get() != 0, nowNanos, patienceNanos);
    }

    /**
     * The transport, its queues and its device in a line each, for a report when the guest and
     * the device wait on each other: status, InterruptStatus, acknowledgements, re-raised
     * interrupts, then {@link Virtqueue#describe()} per queue and {@link VirtioDevice#describe()}.
     * Takes the device lock for at most 100 ms, so a stuck device is reported as such.
     */
    public String describe() {
        StringBuilder b = new StringBuilder("virtio-mmio type ").append(deviceType).append(": status 0x")
                .append(Integer.toHexString(status)).append(" interrupt_status ").append(interruptStatus.get())
                .append(" acks ").append(patientInterrupt.acknowledgements()).append(" reraised ")
                .append(patientInterrupt.reraised());
        boolean locked = false;
        try {
            locked = deviceLock.tryLock(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (!locked) {
                b.append(" (device lock busy for 100 ms: queue processing in progress or stuck)");
            }
            for (Virtqueue q : queues) {
                b.append("\n  ").append(q.describe());
            }
            String own = device.describe();
            if (!own.isEmpty()) {
                b.append("\n  ").append(own.replace("\n", "\n  "));
            }
        } finally {
            if (locked) {
                deviceLock.unlock();
            }
        }
        return b.toString();
    }

    /** How often {@link #reraiseIfUnacknowledged} raised the interrupt again. */
    public long reraisedInterrupts() {
        return patientInterrupt.reraised();
    }

    private void raiseInterrupt() {
        try {
            interrupt.trigger();
        } catch (RuntimeException e) {
            LOG.warn("virtio-mmio {}: raising the interrupt failed", deviceType, e);
        }
    }

    // ---- configuration space ----

    private long readConfig(int offset, int size) {
        if (!isConfigAccess(offset, size)) {
            return 0;
        }
        deviceLock.lock();
        try {
            return device.readConfig(offset, size) & sizeMask(size);
        } finally {
            deviceLock.unlock();
        }
    }

    private void writeConfig(int offset, int size, long value) {
        if (!isConfigAccess(offset, size)) {
            return;
        }
        deviceLock.lock();
        try {
            device.writeConfig(offset, size, value & sizeMask(size));
        } finally {
            deviceLock.unlock();
        }
    }

    private static boolean isConfigAccess(int offset, int size) {
        return (size == 1 || size == 2 || size == 4) && offset + size <= MmioRegister.WINDOW_SIZE - MmioRegister.CONFIG;
    }

    private static long sizeMask(int size) {
        return size == 4 ? LOW_HALF : (1L << (8 * size)) - 1;
    }
}
