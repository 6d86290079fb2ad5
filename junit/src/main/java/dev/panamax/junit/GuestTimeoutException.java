package dev.panamax.junit;

/** A command did not finish within its {@link ExecRequest#timeout()}; the agent killed it. */
public final class GuestTimeoutException extends GuestException {
    private final byte[] partialStdout;
    private final byte[] partialStderr;

    GuestTimeoutException(String message, byte[] partialStdout, byte[] partialStderr) {
        super(message);
        this.partialStdout = partialStdout;
        this.partialStderr = partialStderr;
    }

    /** This exception with {@code detail} added to its message on lines of their own. */
    GuestTimeoutException withDetail(String detail) {
        GuestTimeoutException e = new GuestTimeoutException(getMessage() + "\n" + detail, partialStdout, partialStderr);
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** What the command wrote to stdout before it was given up on. */
    public byte[] partialStdout() {
        return partialStdout.clone();
    }

    /** What the command wrote to stderr before it was given up on. */
    public byte[] partialStderr() {
        return partialStderr.clone();
    }
}
