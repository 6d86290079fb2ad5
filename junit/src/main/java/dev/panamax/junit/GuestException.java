package dev.panamax.junit;

/**
 * A {@link Guest} operation failed: the guest did not boot or its agent broke the protocol
 * or refused the request. Unchecked, so tests need no {@code throws} clause for it.
 */
public class GuestException extends RuntimeException {
    public GuestException(String message) {
        super(message);
    }

    public GuestException(String message, Throwable cause) {
        super(message, cause);
    }
}
