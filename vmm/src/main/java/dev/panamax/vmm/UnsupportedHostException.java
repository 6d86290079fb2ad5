package dev.panamax.vmm;

/** This host's KVM cannot run what was asked, e.g. a PVM /dev/kvm and an unmodified Linux kernel. */
public final class UnsupportedHostException extends RuntimeException {
    public UnsupportedHostException(String message) {
        super(message);
    }
}
