package dev.panamax.kvm;

/** A TAP interface cannot be used: the message is one line naming it and saying why. */
public final class TapException extends RuntimeException {
    public TapException(String message, Throwable cause) {
        super(message, cause);
    }
}
