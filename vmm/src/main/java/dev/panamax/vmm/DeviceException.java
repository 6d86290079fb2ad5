package dev.panamax.vmm;

/** A device the configuration asks for cannot be built, e.g. a drive's image file is unusable. */
public final class DeviceException extends RuntimeException {
    public DeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
