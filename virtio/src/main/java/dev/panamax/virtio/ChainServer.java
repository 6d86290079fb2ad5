package dev.panamax.virtio;

import dev.panamax.memory.GuestMemory;

import java.util.List;

/**
 * The shape of a device that answers each descriptor chain on its own, as block and rng do:
 * pop every available chain, serve it, publish how many bytes it wrote. The transport's device
 * lock serializes activate, reset and process, so {@link #memory} needs no more synchronization.
 */
abstract class ChainServer implements VirtioDevice {
    /** Guest memory while the device is active; null after a reset. */
    GuestMemory memory;

    /** Serves one chain; returns the bytes written into its device-writable buffers. */
    abstract int serve(DescriptorChain chain);

    @Override
    public void activate(GuestMemory memory, long ackedFeatures, List<Virtqueue> queues) {
        this.memory = memory;
    }

    @Override
    public void reset() {
        this.memory = null;
    }

    @Override
    public boolean process(int queueIndex, Virtqueue queue) throws VirtqueueException {
        boolean used = false;
        DescriptorChain chain;
        while ((chain = queue.pop()) != null) {
            queue.addUsed(chain.headIndex(), serve(chain));
            used = true;
        }
        return used;
    }
}
