package dev.panamax.vmm.device;

/**
 * What a snapshot records of the VMM's own legacy devices, one record per device type, each
 * made and taken back by its device ({@code saveState}/{@code restoreState}).
 */
public sealed interface LegacyDeviceState {
    /**
     * The UART's registers and the console input the guest had not read yet.
     *
     * @param pendingInput bytes in the receive FIFO, oldest first (at most 64)
     */
    record Serial(int ier, int lcr, int mcr, int scratch, int divisorLow, int divisorHigh, boolean fifoEnabled,
            boolean thrEmptyPending, byte[] pendingInput) implements LegacyDeviceState {}

    /**
     * The i8042: its configuration byte, command state and the bytes waiting for the guest.
     *
     * @param pendingCommand a controller command waiting for its parameter byte, or -1
     * @param output         bytes for the guest, oldest first (at most 16)
     */
    record Keyboard(int ctr, int lastRead, int pendingCommand, boolean lastWasCommand, byte[] output)
            implements LegacyDeviceState {}
}
