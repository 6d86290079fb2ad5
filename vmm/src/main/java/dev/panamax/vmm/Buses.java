package dev.panamax.vmm;

import dev.panamax.device.Bus;
import dev.panamax.vcpu.ExitHandler;

/**
 * The machine's port and MMIO buses, and what the vCPUs' exits do on them. Devices register on
 * {@link #pio} and {@link #mmio} while the machine is built; the vCPU loops call the
 * {@link ExitHandler} methods. Accesses nothing claims read as 0 and writes to them are dropped,
 * as on a PC with nothing decoding those addresses (0 rather than all-ones so that no guest loop
 * waits forever on a "busy" bit of an absent chip). That rule is the machine's, not the generic
 * {@link Bus}'s, which is why it lives here.
 */
final class Buses implements ExitHandler {
    /** Read by the guest where no device answers. */
    static final long UNCLAIMED = 0;

    final Bus pio = new Bus();
    final Bus mmio = new Bus();

    @Override
    public int pioRead(int port, int size) {
        return (int) pio.read(port, size, UNCLAIMED);
    }

    @Override
    public void pioWrite(int port, int size, int value) {
        pio.write(port, size, Integer.toUnsignedLong(value));
    }

    @Override
    public long mmioRead(long address, int size) {
        return mmio.read(address, size, UNCLAIMED);
    }

    @Override
    public void mmioWrite(long address, int size, long value) {
        mmio.write(address, size, value);
    }
}
