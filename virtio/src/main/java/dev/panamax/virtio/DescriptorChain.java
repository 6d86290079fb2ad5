package dev.panamax.virtio;

import java.util.List;

/**
 * An available descriptor chain popped from a {@link Virtqueue}: the index of its head
 * descriptor (what goes back in the used ring) and its buffers in chain order, indirect tables
 * already expanded. The chain's structure has been validated; its buffer addresses have not.
 */
public record DescriptorChain(int headIndex, List<Descriptor> descriptors) {
    public DescriptorChain {
        descriptors = List.copyOf(descriptors);
    }
}
