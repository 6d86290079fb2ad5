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

    /** What the command wrote to stdout before it was given up on. */
    public byte[] partialStdout() {
        return partialStdout.clone();
    }

    /** What the command wrote to stderr before it was given up on. */
    public byte[] partialStderr() {
        return partialStderr.clone();
    }
}
