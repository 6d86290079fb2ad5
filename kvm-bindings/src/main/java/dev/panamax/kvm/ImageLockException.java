package dev.panamax.kvm;

/** A disk image cannot be locked for a drive: the message is one line naming it and saying why. */
public final class ImageLockException extends RuntimeException {
    public ImageLockException(String message, Throwable cause) {
        super(message, cause);
    }
}
