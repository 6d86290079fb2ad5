package dev.panamax.vmm.device;

import dev.panamax.device.BusDevice;
import dev.panamax.device.Counter;
import dev.panamax.device.InterruptLine;
import dev.panamax.device.PatientInterrupt;
import dev.panamax.device.MetricsGroup;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The part of the i8042 keyboard controller a microVM needs: enough of the command set for
 * Linux's i8042 and atkbd drivers to find a keyboard (controller configuration byte, self tests,
 * a keyboard that acknowledges commands and answers its ID), the CPU reset line (command 0xFE,
 * which {@code reboot=k} sends, ends the VM), and one key chord, Ctrl+Alt+Del
 * ({@link #pressCtrlAltDel()}), which a Linux guest with a VT keyboard answers by rebooting.
 * There is no AUX (mouse) port: its interface test fails, which Linux's probe takes at once.
 * Every access is a port exit, so the controller answers each probe step the first time:
 * enabling or disabling a port shows in the configuration byte when Linux reads it back.
 *
 * <p>Bytes for the guest wait in one output queue read through the data port. The keyboard's
 * bytes (its replies and scancodes) raise IRQ 1 when they reach the head of the queue, while the
 * controller configuration byte enables the keyboard interrupt; the driver reads one byte per
 * interrupt, so each data read that leaves more behind raises it again. Replies to controller
 * commands go to the head of the queue and raise nothing: drivers poll for them, with the
 * keyboard interrupt off. The interrupt is an edge; {@link #reraiseIfUnacknowledged} raises it
 * again when a byte has waited unread for a while (see {@link PatientInterrupt}).
 */
public final class I8042 implements BusDevice {
    /** Ports 0x60 (data) to 0x64 (command/status). */
    public static final int BASE = 0x60;
    public static final int LENGTH = 5;
    /** The keyboard's interrupt line (ISA IRQ 1). */
    public static final int KEYBOARD_IRQ = 1;
    /** As the real controller's and Firecracker's: room for several replies and a few key chords. */
    static final int QUEUE_SIZE = 16;
    private static final int DATA = 0;
    private static final int COMMAND = 4;

    private static final int STATUS_OUTPUT_FULL = 0x01;
    private static final int STATUS_SYSTEM_FLAG = 0x04;
    private static final int STATUS_LAST_WAS_COMMAND = 0x08;
    /** Keyboard not locked: without it Linux warns "Keylock active" (QEMU's controller sets it too). */
    private static final int STATUS_UNLOCKED = 0x10;

    private static final int CMD_READ_CTR = 0x20;
    private static final int CMD_WRITE_CTR = 0x60;
    private static final int CMD_AUX_DISABLE = 0xa7;
    private static final int CMD_AUX_ENABLE = 0xa8;
    private static final int CMD_TEST_AUX_PORT = 0xa9;
    private static final int CMD_SELF_TEST = 0xaa;
    private static final int CMD_TEST_KBD_PORT = 0xab;
    private static final int CMD_KBD_DISABLE = 0xad;
    private static final int CMD_KBD_ENABLE = 0xae;
    private static final int CMD_WRITE_OUTPUT_PORT = 0xd1;
    private static final int CMD_PULSE_RESET = 0xfe;
    private static final int SELF_TEST_PASSED = 0x55;
    private static final int PORT_TEST_PASSED = 0x00;
    /** The AUX interface test's "clock line stuck high": nothing is wired there. */
    private static final int PORT_TEST_CLOCK_HIGH = 0x02;

    private static final int KBD_GET_ID = 0xf2;
    private static final int KBD_ECHO = 0xee;
    private static final int KBD_RESET = 0xff;
    private static final int KBD_ACK = 0xfa;
    private static final int KBD_SELF_TEST_PASSED = 0xaa;
    /** An MF2 keyboard's ID, second byte as the controller's translation delivers it, and untranslated. */
    private static final int KBD_ID = 0xab;
    private static final int KBD_ID_TRANSLATED = 0x41;
    private static final int KBD_ID_RAW = 0x83;

    /** Controller configuration byte: keyboard interrupt enabled. */
    private static final int CTR_KBD_INT = 0x01;
    /** Controller configuration byte: keyboard interface disabled. */
    private static final int CTR_KBD_DISABLED = 0x10;
    /** Controller configuration byte: AUX interface disabled. */
    private static final int CTR_AUX_DISABLED = 0x20;
    /** Controller configuration byte: scancode set 2 from the keyboard translated to set 1. */
    private static final int CTR_TRANSLATE = 0x40;
    /** Keyboard interrupt enabled, system flag, translation: the firmware's usual setting. */
    private static final int CTR_DEFAULT = 0x45;

    /**
     * Ctrl, Alt and Delete pressed, then released, in scancode set 1 (what the guest reads with
     * translation on, Linux's default): Ctrl 0x1d, Alt 0x38, Delete 0xe0 0x53; a release is the
     * make code with bit 7 set.
     */
    private static final byte[] CTRL_ALT_DEL_SET1 = {
        0x1d, 0x38, (byte) 0xe0, 0x53, (byte) 0xe0, (byte) 0xd3, (byte) 0xb8, (byte) 0x9d};
    /** The same in set 2 (translation off): Ctrl 0x14, Alt 0x11, Delete 0xe0 0x71; releases prefixed by 0xf0. */
    private static final byte[] CTRL_ALT_DEL_SET2 = {
        0x14, 0x11, (byte) 0xe0, 0x71, (byte) 0xe0, (byte) 0xf0, 0x71, (byte) 0xf0, 0x11, (byte) 0xf0, 0x14};

    private final Runnable onReset;
    private final PatientInterrupt irq;
    private final ByteQueue output = new ByteQueue(QUEUE_SIZE);
    private int ctr = CTR_DEFAULT;
    private int lastRead;
    private int pendingCommand = -1; // a command whose parameter byte comes through the data port
    private boolean lastWasCommand;
    // accesses per register, counted under this object's lock: each is one exit to Panamax
    private final Counter statusReads = new Counter();
    private final Counter dataReads = new Counter();
    private final Counter commandWrites = new Counter();
    private final Counter dataWrites = new Counter();
    private final Counter resets = new Counter();

    /**
     * @param onReset what the CPU reset line does
     * @param keyboardIrq IRQ 1, raised from vCPU threads and from whichever thread calls
     *     {@link #pressCtrlAltDel()}
     */
    public I8042(Runnable onReset, InterruptLine keyboardIrq) {
        this.onReset = onReset;
        this.irq = new PatientInterrupt(keyboardIrq);
    }

    @Override
    public synchronized long read(long offset, int size) {
        if (offset == COMMAND) {
            statusReads.increment();
            return (output.isEmpty() ? 0 : STATUS_OUTPUT_FULL) | STATUS_SYSTEM_FLAG | STATUS_UNLOCKED
                    | (lastWasCommand ? STATUS_LAST_WAS_COMMAND : 0);
        }
        if (offset == DATA) {
            dataReads.increment();
            irq.acknowledged();
            int b = output.poll();
            if (b >= 0) {
                lastRead = b;
                raiseIfReadable(); // one byte per interrupt: the next one needs its own
            }
            return lastRead; // an empty buffer reads as the last byte again, as on the real chip
        }
        return 0;
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        int v = (int) (value & 0xff);
        if (offset == COMMAND) {
            commandWrites.increment();
            lastWasCommand = true;
            command(v);
        } else if (offset == DATA) {
            dataWrites.increment();
            lastWasCommand = false;
            data(v);
        }
    }

    /**
     * Queues Ctrl+Alt+Del, pressed and released, as the keyboard would send it (set 1 while the
     * controller translates, set 2 when the guest turned translation off), and raises IRQ 1 if
     * the guest enabled it; otherwise the bytes wait for the guest to enable it or to poll.
     *
     * @return false, queueing nothing, when the queue lacks room for the whole sequence: the
     *     guest is not reading its keyboard
     */
    public synchronized boolean pressCtrlAltDel() {
        byte[] sequence = (ctr & CTR_TRANSLATE) != 0 ? CTRL_ALT_DEL_SET1 : CTRL_ALT_DEL_SET2;
        if (output.room() < sequence.length) {
            return false;
        }
        for (byte b : sequence) {
            keyboardSends(b & 0xff);
        }
        return true;
    }

    /**
     * Raises IRQ 1 once more if a byte has waited unread, with the interrupt enabled, for at
     * least {@code patienceNanos} of this method's calls; returns whether it did.
     */
    public synchronized boolean reraiseIfUnacknowledged(long nowNanos, long patienceNanos) {
        return irq.reraiseIfUnacknowledged(interruptEnabled() && !output.isEmpty(), nowNanos, patienceNanos);
    }

    /** How often {@link #reraiseIfUnacknowledged} had to raise IRQ 1 again. */
    public synchronized long reraisedInterrupts() {
        return irq.reraised();
    }

    /**
     * Firecracker's {@code i8042} group (reads and writes of both ports, reset commands) plus
     * each register's share: status (port 0x64 read), command (0x64 written), data read and
     * written (0x60). Every access is a port exit, so these say what the guest's driver costs.
     */
    public MetricsGroup metrics() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("read_count", statusReads.get() + dataReads.get());
        counts.put("write_count", commandWrites.get() + dataWrites.get());
        counts.put("reset_count", resets.get());
        counts.put("status_read_count", statusReads.get());
        counts.put("command_write_count", commandWrites.get());
        counts.put("data_read_count", dataReads.get());
        counts.put("data_write_count", dataWrites.get());
        return new MetricsGroup("i8042", "i8042", counts);
    }

    private void command(int c) {
        pendingCommand = -1;
        switch (c) {
            case CMD_READ_CTR -> controllerReplies(ctr);
            case CMD_WRITE_CTR, CMD_WRITE_OUTPUT_PORT -> pendingCommand = c;
            case CMD_SELF_TEST -> controllerReplies(SELF_TEST_PASSED);
            case CMD_TEST_KBD_PORT -> controllerReplies(PORT_TEST_PASSED);
            // Linux reads the CTR back after these and polls until the bit shows the change
            case CMD_KBD_DISABLE -> ctr |= CTR_KBD_DISABLED;
            case CMD_KBD_ENABLE -> ctr &= ~CTR_KBD_DISABLED;
            case CMD_AUX_DISABLE -> ctr |= CTR_AUX_DISABLED;
            case CMD_AUX_ENABLE -> ctr &= ~CTR_AUX_DISABLED;
            // No AUX port: a failed interface test is how Linux learns it at once (it gives up
            // on the port here instead of testing its interrupt for 250 ms)
            case CMD_TEST_AUX_PORT -> controllerReplies(PORT_TEST_CLOCK_HIGH);
            case CMD_PULSE_RESET -> {
                resets.increment();
                onReset.run();
            }
            default -> {
                // the rest (AUX loopback included: its byte goes on to the keyboard) need no answer
            }
        }
    }

    private void data(int v) {
        if (pendingCommand == CMD_WRITE_CTR) {
            boolean enables = (v & CTR_KBD_INT) != 0 && !interruptEnabled();
            ctr = v;
            if (enables) {
                raiseIfReadable(); // what waited for the interrupt gets it now
            }
        } else if (pendingCommand < 0) {
            keyboardCommand(v);
        }
        pendingCommand = -1;
    }

    /** A byte for the keyboard: it acknowledges every command and parameter byte, and answers some. */
    private void keyboardCommand(int v) {
        switch (v) {
            case KBD_ECHO -> keyboardSends(KBD_ECHO);
            case KBD_GET_ID -> {
                keyboardSends(KBD_ACK);
                keyboardSends(KBD_ID);
                keyboardSends((ctr & CTR_TRANSLATE) != 0 ? KBD_ID_TRANSLATED : KBD_ID_RAW);
            }
            case KBD_RESET -> {
                keyboardSends(KBD_ACK);
                keyboardSends(KBD_SELF_TEST_PASSED);
            }
            default -> keyboardSends(KBD_ACK);
        }
    }

    /** A reply from the controller itself: read next, by a driver that polls for it. */
    private void controllerReplies(int b) {
        if (!output.offerFirst(b)) {
            output.poll(); // full of keyboard bytes the guest ignores: the oldest makes room
            output.offerFirst(b);
        }
    }

    /** A byte from the keyboard: queued behind the others; dropped when the queue is full, as a real keyboard's overrun. */
    private void keyboardSends(int b) {
        boolean wasEmpty = output.isEmpty();
        if (output.offer(b) && wasEmpty) {
            raiseIfReadable();
        }
    }

    private void raiseIfReadable() {
        if (interruptEnabled() && !output.isEmpty()) {
            irq.trigger();
        }
    }

    private boolean interruptEnabled() {
        return (ctr & CTR_KBD_INT) != 0;
    }

    /** The controller's state and the bytes waiting for the guest, for a snapshot (the VM paused). */
    public synchronized LegacyDeviceState.Keyboard saveState() {
        return new LegacyDeviceState.Keyboard(ctr, lastRead, pendingCommand, lastWasCommand, output.toArray());
    }

    /** Takes back what {@link #saveState} gave, before the restored guest runs. */
    public synchronized void restoreState(LegacyDeviceState.Keyboard k) {
        if (!output.replaceWith(k.output())) {
            throw new IllegalArgumentException("i8042: " + k.output().length + " bytes queued, the controller holds "
                    + QUEUE_SIZE);
        }
        ctr = k.ctr() & 0xff;
        lastRead = k.lastRead() & 0xff;
        pendingCommand = k.pendingCommand() < 0 ? -1 : k.pendingCommand() & 0xff;
        lastWasCommand = k.lastWasCommand();
        raiseIfReadable(); // the edge the old VM raised may be gone; a surplus one is harmless
    }
}
