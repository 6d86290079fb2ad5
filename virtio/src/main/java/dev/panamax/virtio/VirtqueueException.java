package dev.panamax.virtio;

/**
 * The guest broke a virtqueue's rules (descriptor index out of range, a looping or over-long
 * chain, a bad indirect table, an impossible avail index, ring memory outside guest RAM). The
 * queue cannot be trusted any more: the transport marks the device DEVICE_NEEDS_RESET.
 */
public final class VirtqueueException extends Exception {
    public VirtqueueException(String message) {
        super(message);
    }

    public VirtqueueException(String message, Throwable cause) {
        super(message, cause);
    }
}
