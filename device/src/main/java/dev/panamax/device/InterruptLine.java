package dev.panamax.device;

/**
 * An edge-triggered interrupt a device raises, e.g. an irqfd into the in-kernel irqchip. Raised
 * on vCPU threads and the event loop alike, so implementations must be thread-safe and must not
 * allocate. The VMM wires an {@code EventFd}'s {@code signal} method here ({@code eventFd::signal}):
 * kvm-bindings stays below this module and knows nothing of devices.
 */
@FunctionalInterface
public interface InterruptLine {
    void trigger();
}
