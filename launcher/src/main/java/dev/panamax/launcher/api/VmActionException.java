package dev.panamax.launcher.api;

/**
 * A request the VM cannot carry out in its state, or at all yet: "InstanceStart: not supported
 * after starting the microVM", "pausing is not supported yet". {@link #getMessage()} is the one
 * line the client gets as its {@code fault_message} (a 400 answer).
 */
public final class VmActionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VmActionException(String message) {
        super(message);
    }
}
