package dev.panamax.vmm.device;

import dev.panamax.device.BusDevice;
import dev.panamax.device.Counter;
import dev.panamax.device.MetricsGroup;
import dev.panamax.device.InterruptLine;
import dev.panamax.device.PatientInterrupt;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A 16550A-compatible UART (what Linux's 8250 driver expects at 0x3f8): transmitted bytes go
 * to {@code out}; bytes given to {@link #receive} wait in a 64-byte FIFO for the guest.
 * Raises its interrupt for "transmitter empty" (after each byte, and when the guest enables
 * it) and "data received", as the real chip does, so both console output through the tty
 * layer and console input work interrupt-driven. Loopback mode routes output to input, which
 * the driver's probe checks.
 *
 * <p>The interrupt is an edge (an irqfd pulse). An edge that never reaches the driver would
 * stall the console for good, the driver waiting for an interrupt that will not come again; seen
 * under nested virtualization, where the guest's console stopped mid-line. So {@link
 * #reraiseIfUnacknowledged} raises it again when it has been pending without the driver reading
 * IIR for a while ({@link PatientInterrupt}); the driver takes a surplus interrupt as one with
 * nothing to do.
 */
public final class Serial8250 implements BusDevice {
    public static final int COM1 = 0x3f8;
    public static final int LENGTH = 8;
    public static final int COM1_IRQ = 4;
    static final int FIFO_SIZE = 64;

    private static final int DATA = 0;
    private static final int IER = 1;
    private static final int IIR_FCR = 2;
    private static final int LCR = 3;
    private static final int MCR = 4;
    private static final int LSR = 5;
    private static final int MSR = 6;
    private static final int SCR = 7;

    private static final int IER_RX_DATA = 0x1;
    private static final int IER_THR_EMPTY = 0x2;
    private static final int IER_MASK = 0x0f;
    private static final int IIR_NONE = 0x1;
    private static final int IIR_THR_EMPTY = 0x2;
    private static final int IIR_RX_DATA = 0x4;
    private static final int IIR_FIFO_ENABLED = 0xc0;
    private static final int FCR_ENABLE_FIFO = 0x1;
    private static final int LCR_DLAB = 0x80;
    private static final int MCR_LOOPBACK = 0x10;
    private static final int LSR_DATA_READY = 0x01;
    private static final int LSR_THR_EMPTY = 0x20;
    private static final int LSR_IDLE = 0x40;
    private static final int MSR_CTS_DSR_DCD = 0xb0;

    private final OutputStream out;
    private final PatientInterrupt irq;
    private final ByteQueue fifo = new ByteQueue(FIFO_SIZE);
    private int ier;
    private int lcr;
    private int mcr;
    private int scratch;
    private int divisorLow = 0x0c; // 9600 baud, the power-on default
    private int divisorHigh;
    private boolean fifoEnabled;
    private boolean thrEmptyPending;
    // Firecracker's uart metrics, counted under this object's lock
    private final Counter readCount = new Counter();
    private final Counter writeCount = new Counter();
    private final Counter missedWriteCount = new Counter();

    public Serial8250(OutputStream out, InterruptLine irq) {
        this.out = out;
        this.irq = new PatientInterrupt(irq);
    }

    @Override
    public synchronized long read(long offset, int size) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        return switch ((int) offset) {
            case DATA -> dlab ? divisorLow : readData();
            case IER -> dlab ? divisorHigh : ier;
            case IIR_FCR -> identifyInterrupt();
            case LCR -> lcr;
            case MCR -> mcr;
            case LSR -> (fifo.isEmpty() ? 0 : LSR_DATA_READY) | LSR_THR_EMPTY | LSR_IDLE;
            case MSR -> modemStatus();
            case SCR -> scratch;
            default -> 0;
        };
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        int v = (int) (value & 0xff);
        boolean dlab = (lcr & LCR_DLAB) != 0;
        switch ((int) offset) {
            case DATA -> {
                if (dlab) {
                    divisorLow = v;
                } else {
                    transmit(v);
                }
            }
            case IER -> {
                if (dlab) {
                    divisorHigh = v;
                } else {
                    boolean enablesThr = (v & IER_THR_EMPTY) != 0 && (ier & IER_THR_EMPTY) == 0;
                    ier = v & IER_MASK;
                    // the transmitter is always empty here, so enabling its interrupt raises it at once
                    if (enablesThr) {
                        thrEmptyPending = true;
                    }
                    if (enablesThr || rxInterruptActive()) {
                        irq.trigger();
                    }
                }
            }
            case IIR_FCR -> fifoEnabled = (v & FCR_ENABLE_FIFO) != 0;
            case LCR -> lcr = v;
            case MCR -> mcr = v;
            case SCR -> scratch = v;
            default -> {
                // LSR and MSR are read-only
            }
        }
    }

    /**
     * Raises the interrupt once more if it has been pending for at least {@code patienceNanos}
     * of this method's calls (the first call that finds it pending starts the clock) without the
     * driver reading IIR meanwhile. Returns whether it did.
     */
    public synchronized boolean reraiseIfUnacknowledged(long nowNanos, long patienceNanos) {
        return irq.reraiseIfUnacknowledged(interruptPending(), nowNanos, patienceNanos);
    }

    /** How often {@link #reraiseIfUnacknowledged} had to raise the interrupt again. */
    public synchronized long reraisedInterrupts() {
        return irq.reraised();
    }

    private boolean interruptPending() {
        return rxInterruptActive() || (thrEmptyPending && (ier & IER_THR_EMPTY) != 0);
    }

    private void transmit(int b) {
        if ((mcr & MCR_LOOPBACK) != 0) {
            fifo.offer(b);
        } else {
            try {
                out.write(b);
                out.flush();
                writeCount.increment();
            } catch (IOException e) {
                missedWriteCount.increment();
                throw new UncheckedIOException("serial console output failed", e);
            }
        }
        thrEmptyPending = true;
        if ((ier & IER_THR_EMPTY) != 0) {
            irq.trigger();
        }
    }

    private int readData() {
        int b = fifo.poll();
        if (b < 0) {
            return 0;
        }
        notifyAll(); // room for the input thread
        readCount.increment();
        return b;
    }

    private int identifyInterrupt() {
        irq.acknowledged();
        int fifoBits = fifoEnabled ? IIR_FIFO_ENABLED : 0;
        if (rxInterruptActive()) {
            return IIR_RX_DATA | fifoBits;
        }
        if (thrEmptyPending && (ier & IER_THR_EMPTY) != 0) {
            thrEmptyPending = false; // reading IIR acknowledges "transmitter empty"
            return IIR_THR_EMPTY | fifoBits;
        }
        return IIR_NONE | fifoBits;
    }

    private boolean rxInterruptActive() {
        return !fifo.isEmpty() && (ier & IER_RX_DATA) != 0;
    }

    private int modemStatus() {
        if ((mcr & MCR_LOOPBACK) == 0) {
            return MSR_CTS_DSR_DCD;
        }
        // loopback wires DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD
        return ((mcr & 0x1) << 5) | ((mcr & 0x2) << 3) | ((mcr & 0x4) << 4) | ((mcr & 0x8) << 4);
    }

    /** Firecracker's {@code uart} group: bytes the guest read and wrote, and output that failed. */
    public MetricsGroup metrics() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("read_count", readCount.get());
        counts.put("write_count", writeCount.get());
        counts.put("missed_write_count", missedWriteCount.get());
        return new MetricsGroup("uart", "uart", counts);
    }

    /**
     * Hands the guest input bytes, waiting while the FIFO is full. Returns early, having
     * delivered what fitted, when the thread is interrupted.
     */
    public synchronized int receive(byte[] bytes, int offset, int length) throws InterruptedException {
        int delivered = 0;
        while (delivered < length) {
            while (fifo.room() == 0) {
                wait();
            }
            boolean wasEmpty = fifo.isEmpty();
            while (delivered < length && fifo.offer(bytes[offset + delivered])) {
                delivered++;
            }
            if (wasEmpty && (ier & IER_RX_DATA) != 0) {
                irq.trigger();
            }
        }
        return delivered;
    }

    /** The registers and unread input, for a snapshot (the VM paused). */
    public synchronized LegacyDeviceState.Serial saveState() {
        return new LegacyDeviceState.Serial(ier, lcr, mcr, scratch, divisorLow, divisorHigh, fifoEnabled,
                thrEmptyPending, fifo.toArray());
    }

    /** Takes back what {@link #saveState} gave, before the restored guest runs. */
    public synchronized void restoreState(LegacyDeviceState.Serial s) {
        if (!fifo.replaceWith(s.pendingInput())) {
            throw new IllegalArgumentException("serial: " + s.pendingInput().length + " bytes of pending input, the FIFO holds "
                    + FIFO_SIZE);
        }
        ier = s.ier() & IER_MASK;
        lcr = s.lcr() & 0xff;
        mcr = s.mcr() & 0xff;
        scratch = s.scratch() & 0xff;
        divisorLow = s.divisorLow() & 0xff;
        divisorHigh = s.divisorHigh() & 0xff;
        fifoEnabled = s.fifoEnabled();
        thrEmptyPending = s.thrEmptyPending();
        notifyAll(); // a receive() waiting for room sees the new FIFO
        if (interruptPending()) {
            irq.trigger(); // the edge the old VM raised may be gone; a surplus one is harmless
        }
    }
}
