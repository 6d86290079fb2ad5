package dev.panamax.virtio;

import dev.panamax.device.MetricsGroup;
import dev.panamax.memory.GuestMemory;

import java.util.List;
import java.util.Optional;

/**
 * A virtio device behind a transport ({@link VirtioMmioDevice}): what it is, what it offers, its
 * configuration space and how it serves its queues. The transport adds the transport features
 * (VIRTIO_F_VERSION_1, INDIRECT_DESC, EVENT_IDX), runs feature negotiation and the driver
 * status machine, and calls these methods under its device lock, so an implementation sees one
 * call at a time. That lock is not the one the driver's register traffic takes, so a slow
 * {@link #process} does not stall the vCPUs; a driver's reset (and any Status write) waits for
 * it to return.
 */
public interface VirtioDevice {
    /** The virtio device ID (virtio 1.x "Device Types"): 2 block, 4 entropy, ... */
    int deviceType();

    /** The device-specific feature bits offered, beyond those the transport adds. */
    long deviceFeatures();

    /** How many virtqueues the device has. */
    int queueCount();

    /** The largest size the driver may give each queue (QueueNumMax): a power of 2, at most 32768. */
    int queueMaxSize();

    /**
     * Reads {@code size} (1, 2 or 4) bytes, little-endian, of the device configuration space at
     * {@code offset}; 0 for bytes beyond it.
     */
    long readConfig(int offset, int size);

    /** Writes {@code size} bytes of the configuration space; ignored where nothing is writable. */
    void writeConfig(int offset, int size, long value);

    /**
     * The driver set DRIVER_OK: start serving. {@code queues} holds every queue, in index order;
     * those the driver did not enable are not {@link Virtqueue#isActive() active}.
     *
     * @param ackedFeatures the features the driver accepted (a subset of those offered)
     */
    void activate(GuestMemory memory, long ackedFeatures, List<Virtqueue> queues);

    /**
     * Serves queue {@code queueIndex} after a notification: pops chains until
     * {@link Virtqueue#pop()} returns {@code null} (or the device cannot take more), completing
     * each with {@link Virtqueue#addUsed(int, int)}. A malformed request fails that request; a
     * broken ring propagates as {@link VirtqueueException}. Queues are only touched from here
     * (the transport holds its device lock). With EVENT_IDX the driver is asked to kick again only when
     * {@code pop()} finds the ring empty, so a device that stops early (no room for more) must be
     * run again by the VMM when it can proceed.
     *
     * @return whether anything was added to the used ring (the transport then decides whether to
     *         interrupt)
     */
    boolean process(int queueIndex, Virtqueue queue) throws VirtqueueException;

    /** The driver reset the device: drop what {@link #activate} set up; it may be activated again. */
    void reset();

    /**
     * The device's own state in a few words for a stall report (open streams, held frames);
     * called from any thread while the device may run, so it must only read. Empty by default.
     */
    default String describe() {
        return "";
    }

    /**
     * What a snapshot records of this device beyond its transport; called while the VM is paused.
     * By default only the device type: a device whose queues are all it has (virtio-rng).
     */
    default DeviceState saveState() {
        return new DeviceState.Stateless(deviceType());
    }

    /**
     * Takes over from {@code saved} in a restored VM, before the transport reactivates the device:
     * checks that it is the device the guest knew (and takes whatever state it kept).
     *
     * @throws IllegalArgumentException one line naming what differs
     */
    default void restoreState(DeviceState saved) {
        if (!(saved instanceof DeviceState.Stateless s) || s.deviceType() != deviceType()) {
            throw new IllegalArgumentException("virtio device type " + deviceType() + ": the snapshot has "
                    + saved + " in its place");
        }
    }

    /**
     * Called once a restored device serves again (its queues reactivated, {@link #activate}
     * called), under the transport's device lock: for a device that must tell its driver
     * something (vsock's transport reset).
     *
     * @return whether anything was added to a used ring (the transport then decides whether to
     *         interrupt)
     */
    default boolean restored(List<Virtqueue> queues) throws VirtqueueException {
        return false;
    }

    /**
     * Firecracker's metrics group for this device, cumulative counts; read from any thread, so
     * implementations count with {@link dev.panamax.device.Counter}s. None by default.
     */
    default Optional<MetricsGroup> metrics() {
        return Optional.empty();
    }
}
