package dev.panamax.kvm;

/** This host's KVM cannot do what was asked; the message says why and what to do, in one line. */
public final class KvmUnavailableException extends RuntimeException {
    private final transient KvmHost host;

    public KvmUnavailableException(KvmHost host, String message) {
        super(message);
        this.host = host;
    }

    /** The probe that led to this. */
    public KvmHost host() {
        return host;
    }
}
