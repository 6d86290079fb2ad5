package dev.panamax.virtio;

import java.util.List;

/**
 * A virtio-mmio transport's state between guest accesses ({@link VirtioMmioDevice#saveState()}):
 * the driver status, negotiated features, selectors, interrupt status, configuration generation
 * and each queue's registers and progress.
 *
 * @param activated whether the device was serving (DRIVER_OK and activation succeeded)
 */
public record TransportState(int deviceType, int status, long driverFeatures, int deviceFeaturesSel,
        int driverFeaturesSel, int queueSel, int interruptStatus, int configGeneration, boolean activated,
        List<QueueState> queues) {
    public TransportState {
        queues = List.copyOf(queues);
    }

    /**
     * One virtqueue: what the driver programmed and how far the device got (free-running u16
     * counters, as the rings' indexes are).
     */
    public record QueueState(int size, boolean ready, long descTable, long availRing, long usedRing, boolean active,
            int nextAvail, int nextUsed, int signalledUsed) {}
}
