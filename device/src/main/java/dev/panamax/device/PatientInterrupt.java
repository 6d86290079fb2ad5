package dev.panamax.device;

/**
 * A device's edge-triggered interrupt, raised once more when the driver has left it
 * unacknowledged for a while. An edge that never reaches the driver would stall the device for
 * good, the driver waiting for an interrupt that does not come again (seen under nested
 * virtualization, where a guest's console stopped mid-line); a surplus edge is one with nothing
 * to do. {@link #acknowledged()} and {@link #trigger()} may be called from any thread (a vCPU's,
 * without a lock: an acknowledgement only bumps a counter);
 * {@link #reraiseIfUnacknowledged} from one thread at a time (the VM's interrupt watchdog).
 */
public final class PatientInterrupt {
    private final InterruptLine line;
    /** Bumped by each acknowledgement: the watchdog's sign that the driver looked. */
    private final java.util.concurrent.atomic.AtomicInteger acknowledgements =
            new java.util.concurrent.atomic.AtomicInteger();
    // The watchdog's own state.
    /**
     * When {@link #reraiseIfUnacknowledged} first found the interrupt pending with the driver not
     * having acknowledged it since; -1 when it found nothing pending.
     */
    private long pendingSinceNanos = -1;
    private int acknowledgementsSeen;
    private volatile long reraised;

    public PatientInterrupt(InterruptLine line) {
        this.line = line;
    }

    public void trigger() {
        line.trigger();
    }

    /** The driver is looking at the device: whatever is pending, it will see. */
    public void acknowledged() {
        acknowledgements.incrementAndGet();
    }

    /**
     * Raises the interrupt once more if it has been {@code pending} for at least
     * {@code patienceNanos} of this method's calls (the first call that finds it pending, or finds
     * an acknowledgement since the last call, starts the clock) without {@link #acknowledged()}
     * meanwhile. Returns whether it did.
     */
    public boolean reraiseIfUnacknowledged(boolean pending, long nowNanos, long patienceNanos) {
        int acks = acknowledgements.get();
        if (!pending) {
            pendingSinceNanos = -1;
            return false;
        }
        if (pendingSinceNanos < 0 || acks != acknowledgementsSeen) {
            pendingSinceNanos = nowNanos; // pending since the driver last looked: its patience starts now
            acknowledgementsSeen = acks;
            return false;
        }
        if (nowNanos - pendingSinceNanos < patienceNanos) {
            return false;
        }
        line.trigger();
        pendingSinceNanos = nowNanos;
        reraised++; // one writer
        return true;
    }

    /** How often {@link #reraiseIfUnacknowledged} had to raise the interrupt again. */
    public long reraised() {
        return reraised;
    }

    /** How often the driver acknowledged, for a stall report. */
    public int acknowledgements() {
        return acknowledgements.get();
    }
}
