package dev.panamax.virtio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An available descriptor chain popped from a {@link Virtqueue}: the index of its head
 * descriptor (what goes back in the used ring) and its buffers in chain order, indirect tables
 * already expanded, read by index ({@link #address}, {@link #length}, {@link #isWriteOnly}). The
 * chain's structure has been validated; its buffer addresses have not.
 *
 * <p><b>Lifetime:</b> each queue owns one chain and refills it on every {@link Virtqueue#pop()},
 * so popping costs no allocation. A popped chain is valid until the next pop on the same queue
 * (or that queue's reset or activation); a device that needs a chain's buffers after that must
 * copy what it needs first ({@link #copyFrom}, or {@link #copy()} where allocating is fine).
 */
public final class DescriptorChain {
    private int head;
    private int count;
    private long[] addresses;
    /** u32 lengths, as the driver wrote them (read them unsigned). */
    private int[] lengths;
    private short[] flags;

    /** An empty chain with room for {@code capacity} buffers before it has to grow. */
    DescriptorChain(int capacity) {
        addresses = new long[capacity];
        lengths = new int[capacity];
        flags = new short[capacity];
    }

    /** The head descriptor's index: what {@link Virtqueue#addUsed} takes back. */
    public int headIndex() {
        return head;
    }

    /** How many buffers the chain has (indirect descriptors expanded, not counted). */
    public int count() {
        return count;
    }

    /**
     * Guest-physical address of buffer {@code i}: unchecked guest input, to be used only
     * through {@link dev.panamax.memory.GuestMemory}.
     */
    public long address(int i) {
        return addresses[Objects.checkIndex(i, count)];
    }

    /** Length of buffer {@code i} in bytes (the driver's u32, unsigned). */
    public long length(int i) {
        return Integer.toUnsignedLong(lengths[Objects.checkIndex(i, count)]);
    }

    /** Buffer {@code i}'s flags as the driver wrote them; only {@link Descriptor#WRITE} matters to a device. */
    public int flags(int i) {
        return flags[Objects.checkIndex(i, count)] & 0xFFFF;
    }

    /** Whether the device may write buffer {@code i} (VIRTQ_DESC_F_WRITE). */
    public boolean isWriteOnly(int i) {
        return (flags(i) & Descriptor.WRITE) != 0;
    }

    /** Total bytes of the device-writable ({@code writable}) or device-readable buffers. */
    public long totalLength(boolean writable) {
        long total = 0;
        for (int i = 0; i < count; i++) {
            if (((flags[i] & Descriptor.WRITE) != 0) == writable) {
                total += Integer.toUnsignedLong(lengths[i]);
            }
        }
        return total;
    }

    /** Buffer {@code i} as a value; allocates, so for tests and cold paths. */
    public Descriptor descriptor(int i) {
        return new Descriptor(address(i), length(i), flags(i));
    }

    /** The buffers as values; allocates, so for tests and cold paths. */
    public List<Descriptor> toList() {
        List<Descriptor> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(descriptor(i));
        }
        return List.copyOf(list);
    }

    /** A detached copy that no pop overwrites; allocates, so for tests and cold paths. */
    public DescriptorChain copy() {
        DescriptorChain copy = new DescriptorChain(count);
        copy.copyFrom(this);
        return copy;
    }

    /**
     * Makes this chain (one the caller owns, not a queue's) a copy of {@code other}: the way to
     * keep a chain across pops without allocating, once this one has grown to the longest chain
     * copied into it.
     */
    void copyFrom(DescriptorChain other) {
        reserve(other.count);
        System.arraycopy(other.addresses, 0, addresses, 0, other.count);
        System.arraycopy(other.lengths, 0, lengths, 0, other.count);
        System.arraycopy(other.flags, 0, flags, 0, other.count);
        head = other.head;
        count = other.count;
    }

    // ---- the queue's side: refilled while walking a chain ----

    /** Starts a new chain at {@code headIndex}, forgetting the previous one. */
    void start(int headIndex) {
        head = headIndex;
        count = 0;
    }

    /**
     * Appends a buffer. The arrays grow (doubling) only for a chain longer than any before it;
     * the queue's walk bounds the length (queue size plus the indirect-table limit).
     */
    void add(long address, long length, int descFlags) {
        if (count == addresses.length) {
            reserve(Math.max(1, 2 * count));
        }
        addresses[count] = address;
        lengths[count] = (int) length;
        flags[count] = (short) descFlags;
        count++;
    }

    /** Makes room for {@code capacity} buffers; allocates only when there is less. */
    void reserve(int capacity) {
        if (capacity > addresses.length) {
            addresses = Arrays.copyOf(addresses, capacity);
            lengths = Arrays.copyOf(lengths, capacity);
            flags = Arrays.copyOf(flags, capacity);
        }
    }

    /** Cold: for log lines and test failures. */
    @Override
    public String toString() {
        return "DescriptorChain[head " + head + ", " + toList() + "]";
    }
}
