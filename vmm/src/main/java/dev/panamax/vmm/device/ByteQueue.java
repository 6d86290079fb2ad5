package dev.panamax.vmm.device;

/**
 * A bounded FIFO of bytes, for a device's receive buffer: a ring that allocates nothing after
 * construction. Not thread-safe: the device calls it under its own lock.
 */
final class ByteQueue {
    private final byte[] ring;
    private int head;
    private int count;

    ByteQueue(int capacity) {
        ring = new byte[capacity];
    }

    int size() {
        return count;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Free places. */
    int room() {
        return ring.length - count;
    }

    /** Appends {@code b}; false, with nothing changed, when full. */
    boolean offer(int b) {
        if (count == ring.length) {
            return false;
        }
        ring[(head + count) % ring.length] = (byte) b;
        count++;
        return true;
    }

    /** Puts {@code b} before everything queued, to be taken next; false, with nothing changed, when full. */
    boolean offerFirst(int b) {
        if (count == ring.length) {
            return false;
        }
        head = (head + ring.length - 1) % ring.length;
        ring[head] = (byte) b;
        count++;
        return true;
    }

    /** Takes the oldest byte (0 to 255), or -1 when empty. */
    int poll() {
        if (count == 0) {
            return -1;
        }
        int b = ring[head] & 0xff;
        head = (head + 1) % ring.length;
        count--;
        return b;
    }

    /** The queued bytes, oldest first, leaving them queued (for a snapshot). */
    byte[] toArray() {
        byte[] bytes = new byte[count];
        for (int i = 0; i < count; i++) {
            bytes[i] = ring[(head + i) % ring.length];
        }
        return bytes;
    }

    /** Empties the queue, then queues {@code bytes}; false, with the queue empty, when they do not fit. */
    boolean replaceWith(byte[] bytes) {
        head = 0;
        count = 0;
        if (bytes.length > ring.length) {
            return false;
        }
        for (byte b : bytes) {
            offer(b);
        }
        return true;
    }
}
