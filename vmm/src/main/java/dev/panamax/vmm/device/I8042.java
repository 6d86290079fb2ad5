package dev.panamax.vmm.device;

/**
 * The part of the i8042 keyboard controller a microVM needs: the CPU reset line. Linux's
 * {@code reboot=k} writes command 0xFE to the command port; that ends the VM. Status reads
 * say both buffers are empty, so the guest never waits on it.
 */
public final class I8042 implements BusDevice {
    /** Ports 0x60 (data) to 0x64 (command/status). */
    public static final int BASE = 0x60;
    public static final int LENGTH = 5;
    private static final int COMMAND_PORT_OFFSET = 4;
    private static final int CMD_PULSE_RESET = 0xfe;

    private final Runnable onReset;

    public I8042(Runnable onReset) {
        this.onReset = onReset;
    }

    @Override
    public long read(long offset, int size) {
        return 0;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset == COMMAND_PORT_OFFSET && (value & 0xff) == CMD_PULSE_RESET) {
            onReset.run();
        }
    }
}
