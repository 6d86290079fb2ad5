package dev.panamax.vmm;

import dev.panamax.vcpu.ExitHandler;
import dev.panamax.vmm.device.Bus;

/**
 * The machine's two buses as the vCPUs see them. Accesses nothing claims read as 0 and
 * writes to them are dropped, as on a PC with nothing decoding those addresses (0 rather than
 * all-ones so that no guest loop waits forever on a "busy" bit of an absent chip).
 */
final class PortIo implements ExitHandler {
    private final Bus pio;
    private final Bus mmio;

    PortIo(Bus pio, Bus mmio) {
        this.pio = pio;
        this.mmio = mmio;
    }

    @Override
    public int pioRead(int port, int size) {
        return (int) pio.read(port, size, 0);
    }

    @Override
    public void pioWrite(int port, int size, int value) {
        pio.write(port, size, Integer.toUnsignedLong(value));
    }

    @Override
    public long mmioRead(long address, int size) {
        return mmio.read(address, size, 0);
    }

    @Override
    public void mmioWrite(long address, int size, long value) {
        mmio.write(address, size, value);
    }
}
