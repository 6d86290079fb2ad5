package dev.panamax.virtio.vsock;

import dev.panamax.memory.BufferWindows;
import dev.panamax.memory.GuestMemory;
import dev.panamax.virtio.DescriptorChain;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * Direct views of a range of a chain's readable (TX) or writable (RX) stream bytes (see
 * {@link ChainBytes}) for scattering and gathering socket I/O, no copy through the heap and no
 * allocation per packet: the views are {@link BufferWindows} buffers, one slot per descriptor
 * (a gathering write needs them all at once), in an array that only grows when a chain has more
 * descriptors than any before. The muxer owns one per direction; the views are valid until its
 * next {@link #of} or the device's reset.
 */
final class ChainViews {
    private final boolean writable;
    private BufferWindows windows;
    private ByteBuffer[] views = new ByteBuffer[4];
    private int count;

    /** @param writable whether these view a chain's device-writable buffers (else its readable ones) */
    ChainViews(boolean writable) {
        this.writable = writable;
    }

    /** Views go through {@code windows} (of the memory the device was activated with), or nowhere when null. */
    void use(BufferWindows windows) {
        this.windows = windows;
        Arrays.fill(views, null);
        count = 0;
    }

    /**
     * Views stream bytes {@code [from, to)}: at most {@code to - from} bytes, fewer if the
     * chain is shorter. A buffer touched must be wholly guest RAM, as for {@link ChainBytes};
     * writable views mark their pages dirty.
     *
     * @return this
     * @throws dev.panamax.memory.GuestMemoryException when a buffer touched is not wholly guest RAM
     */
    ChainViews of(GuestMemory memory, DescriptorChain chain, long from, long to) {
        count = 0;
        long start = 0;
        for (int i = 0; i < chain.count() && start < to; i++) {
            if (chain.isWriteOnly(i) != writable) {
                continue;
            }
            long address = chain.address(i);
            long length = chain.length(i);
            long a = Math.max(from, start);
            long b = Math.min(to, start + length);
            if (a < b) {
                // The whole buffer, as ChainBytes checks it; the view is then inside it and
                // shorter than a packet's payload, so neither its address nor length overflows.
                memory.requireInside(address, length);
                if (count == views.length) {
                    views = Arrays.copyOf(views, 2 * count);
                }
                long at = address + (a - start);
                views[count] = writable ? windows.writable(at, (int) (b - a), count)
                        : windows.readOnly(at, (int) (b - a), count);
                count++;
            }
            start += length;
        }
        return this;
    }

    /**
     * Writes the views' bytes to {@code channel} (as far as it takes them). One view, the common
     * case (Linux puts a payload in one buffer), goes through the single-buffer call: the JDK's
     * gathering and scattering calls allocate two small objects per buffer of an arena's memory
     * (to release its session after the call).
     */
    long writeTo(SocketChannel channel) throws IOException {
        return count == 1 ? channel.write(views[0]) : channel.write(views, 0, count);
    }

    /** Reads from {@code channel} into the views; see {@link #writeTo}. */
    long readFrom(SocketChannel channel) throws IOException {
        return count == 1 ? channel.read(views[0]) : channel.read(views, 0, count);
    }

    /** Puts what is left in the views into {@code into}. */
    void copyRemainingTo(ByteBuffer into) {
        for (int i = 0; i < count; i++) {
            into.put(views[i]);
        }
    }

    /** Bytes left in the views. */
    long remaining() {
        long n = 0;
        for (int i = 0; i < count; i++) {
            n += views[i].remaining();
        }
        return n;
    }
}
