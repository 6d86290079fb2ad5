package dev.panamax.device;

/**
 * A device window on the port or MMIO bus. Offsets are relative to where the device is mapped.
 * Called on vCPU threads; implementations synchronize their own state.
 */
public interface BusDevice {
    long read(long offset, int size);

    void write(long offset, int size, long value);
}
