package dev.panamax.junit;

/**
 * The guest did not become ready: it could not be built (kernel, KVM), stopped during boot, or
 * its agent never announced itself in time. The message ends with the guest's last console
 * lines and, where the VM ran, where each vCPU was.
 */
public final class GuestStartException extends GuestException {
    GuestStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
