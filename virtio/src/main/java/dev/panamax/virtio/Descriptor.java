package dev.panamax.virtio;

/**
 * One buffer of a descriptor chain, as the driver described it: {@code length} bytes
 * (an unsigned 32-bit value) at guest-physical {@code address}. The address is unchecked guest
 * input; access it only through {@link dev.panamax.memory.GuestMemory}. The value form of a
 * {@link DescriptorChain}'s buffer ({@link DescriptorChain#descriptor}), for tests and cold
 * paths; devices read the chain by index, which allocates nothing. Also the flag constants.
 *
 * @param flags the descriptor's flags as the driver wrote them; only {@link #WRITE} matters to a
 *              device (NEXT was followed and INDIRECT tables expanded while walking the chain)
 */
public record Descriptor(long address, long length, int flags) {
    /** VIRTQ_DESC_F_NEXT: the chain continues at the {@code next} field. */
    public static final int NEXT = 1;
    /** VIRTQ_DESC_F_WRITE: the device writes this buffer (else it only reads it). */
    public static final int WRITE = 2;
    /** VIRTQ_DESC_F_INDIRECT: the buffer is a table of further descriptors. */
    public static final int INDIRECT = 4;

    /** Whether the device may write this buffer (VIRTQ_DESC_F_WRITE). */
    public boolean isWriteOnly() {
        return (flags & WRITE) != 0;
    }
}
