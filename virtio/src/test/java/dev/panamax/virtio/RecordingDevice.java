package dev.panamax.virtio;

import dev.panamax.memory.GuestMemory;

import java.util.ArrayList;
import java.util.List;

/** A test device: pops every chain, records it and returns it with a fixed used length. */
final class RecordingDevice implements VirtioDevice {
    final List<DescriptorChain> chains = new ArrayList<>();
    int activations;
    int resets;
    long ackedFeatures;
    int usedLength;
    RuntimeException failWith;
    private final int queueCount;
    private final int maxSize;

    RecordingDevice(int queueCount, int maxSize) {
        this.queueCount = queueCount;
        this.maxSize = maxSize;
    }

    @Override
    public int deviceType() {
        return 0x2a;
    }

    @Override
    public long deviceFeatures() {
        return 1L << 3;
    }

    @Override
    public int queueCount() {
        return queueCount;
    }

    @Override
    public int queueMaxSize() {
        return maxSize;
    }

    @Override
    public long readConfig(int offset, int size) {
        return ConfigSpace.read(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, offset, size);
    }

    @Override
    public void writeConfig(int offset, int size, long value) {}

    @Override
    public void activate(GuestMemory memory, long ackedFeatures, List<Virtqueue> queues) {
        activations++;
        this.ackedFeatures = ackedFeatures;
    }

    @Override
    public boolean process(int queueIndex, Virtqueue queue) throws VirtqueueException {
        if (failWith != null) {
            throw failWith;
        }
        boolean used = false;
        DescriptorChain chain;
        while ((chain = queue.pop()) != null) {
            chains.add(chain.copy()); // the queue refills its chain on the next pop
            queue.addUsed(chain.headIndex(), usedLength);
            used = true;
        }
        return used;
    }

    @Override
    public void reset() {
        resets++;
    }
}
