package dev.panamax.vmm.device;

import dev.panamax.device.BusDevice;

/**
 * The part of the i8042 keyboard controller a microVM needs: enough of the command set for
 * Linux's i8042 driver to probe it (controller configuration byte, self tests, a keyboard that
 * acknowledges commands) and the CPU reset line: command 0xFE, which {@code reboot=k} sends,
 * ends the VM.
 */
public final class I8042 implements BusDevice {
    /** Ports 0x60 (data) to 0x64 (command/status). */
    public static final int BASE = 0x60;
    public static final int LENGTH = 5;
    private static final int DATA = 0;
    private static final int COMMAND = 4;

    private static final int STATUS_OUTPUT_FULL = 0x01;
    private static final int STATUS_SYSTEM_FLAG = 0x04;
    private static final int STATUS_LAST_WAS_COMMAND = 0x08;

    private static final int CMD_READ_CTR = 0x20;
    private static final int CMD_WRITE_CTR = 0x60;
    private static final int CMD_SELF_TEST = 0xaa;
    private static final int CMD_TEST_KBD_PORT = 0xab;
    private static final int CMD_WRITE_OUTPUT_PORT = 0xd1;
    private static final int CMD_PULSE_RESET = 0xfe;
    private static final int SELF_TEST_PASSED = 0x55;
    private static final int PORT_TEST_PASSED = 0x00;
    private static final int KBD_ACK = 0xfa;
    /** Keyboard interrupt enabled, system flag, translation: the firmware's usual setting. */
    private static final int CTR_DEFAULT = 0x45;

    private final Runnable onReset;
    private int ctr = CTR_DEFAULT;
    private int output;
    private boolean outputFull;
    private int pendingCommand = -1; // a command whose parameter byte comes through the data port
    private boolean lastWasCommand;

    public I8042(Runnable onReset) {
        this.onReset = onReset;
    }

    @Override
    public synchronized long read(long offset, int size) {
        if (offset == COMMAND) {
            return (outputFull ? STATUS_OUTPUT_FULL : 0) | STATUS_SYSTEM_FLAG
                    | (lastWasCommand ? STATUS_LAST_WAS_COMMAND : 0);
        }
        if (offset == DATA) {
            outputFull = false;
            return output;
        }
        return 0;
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        int v = (int) (value & 0xff);
        if (offset == COMMAND) {
            lastWasCommand = true;
            command(v);
        } else if (offset == DATA) {
            lastWasCommand = false;
            data(v);
        }
    }

    private void command(int c) {
        pendingCommand = -1;
        switch (c) {
            case CMD_READ_CTR -> respond(ctr);
            case CMD_WRITE_CTR, CMD_WRITE_OUTPUT_PORT -> pendingCommand = c;
            case CMD_SELF_TEST -> respond(SELF_TEST_PASSED);
            case CMD_TEST_KBD_PORT -> respond(PORT_TEST_PASSED);
            case CMD_PULSE_RESET -> onReset.run();
            default -> {
                // enable/disable ports and the rest need no answer
            }
        }
    }

    private void data(int v) {
        if (pendingCommand == CMD_WRITE_CTR) {
            ctr = v;
        } else if (pendingCommand < 0) {
            respond(KBD_ACK); // a byte for the keyboard: it acknowledges every command
        }
        pendingCommand = -1;
    }

    private void respond(int b) {
        output = b;
        outputFull = true;
    }
}
