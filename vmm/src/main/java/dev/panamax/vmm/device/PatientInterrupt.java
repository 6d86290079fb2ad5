package dev.panamax.vmm.device;

import dev.panamax.device.InterruptLine;

/**
 * A device's edge-triggered interrupt, raised once more when the driver has left it
 * unacknowledged for a while. An edge that never reaches the driver would stall the device for
 * good, the driver waiting for an interrupt that does not come again (seen under nested
 * virtualization, where a guest's console stopped mid-line); a surplus edge is one with nothing
 * to do. Not thread-safe: the device calls it under its own lock.
 */
final class PatientInterrupt {
    private final InterruptLine line;
    /**
     * When {@link #reraiseIfUnacknowledged} first found the interrupt pending with the driver not
     * having acknowledged it since; -1 once the driver has.
     */
    private long pendingSinceNanos = -1;
    private long reraised;

    PatientInterrupt(InterruptLine line) {
        this.line = line;
    }

    void trigger() {
        line.trigger();
    }

    /** The driver is looking at the device: whatever is pending, it will see. */
    void acknowledged() {
        pendingSinceNanos = -1;
    }

    /**
     * Raises the interrupt once more if it has been {@code pending} for at least
     * {@code patienceNanos} of this method's calls (the first call that finds it pending starts
     * the clock) without {@link #acknowledged()} meanwhile. Returns whether it did.
     */
    boolean reraiseIfUnacknowledged(boolean pending, long nowNanos, long patienceNanos) {
        if (!pending) {
            pendingSinceNanos = -1;
            return false;
        }
        if (pendingSinceNanos < 0) {
            pendingSinceNanos = nowNanos; // pending since the driver last looked: its patience starts now
            return false;
        }
        if (nowNanos - pendingSinceNanos < patienceNanos) {
            return false;
        }
        line.trigger();
        pendingSinceNanos = nowNanos;
        reraised++;
        return true;
    }

    /** How often {@link #reraiseIfUnacknowledged} had to raise the interrupt again. */
    long reraised() {
        return reraised;
    }
}
