package dev.panamax.vmm.device;

/** An edge-triggered interrupt a device raises, e.g. an irqfd into the in-kernel irqchip. */
@FunctionalInterface
public interface InterruptLine {
    void trigger();
}
