package dev.panamax.vmm;

import java.util.function.LongSupplier;

/**
 * Nanoseconds of the VM's running time: a monotonic clock that stands still while the VM is
 * paused. Timeouts about what the guest should have done by now (the interrupt watchdog's
 * patience) are measured on it, so a paused guest, which can do nothing, is not held to them.
 */
final class RunningClock {
    private final LongSupplier nanoTime;
    private long pausedTotal;
    private long pausedAt = -1;

    RunningClock() {
        this(System::nanoTime);
    }

    RunningClock(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    synchronized long nanos() {
        return (pausedAt >= 0 ? pausedAt : nanoTime.getAsLong()) - pausedTotal;
    }

    /** Stops the clock; again is harmless. */
    synchronized void pause() {
        if (pausedAt < 0) {
            pausedAt = nanoTime.getAsLong();
        }
    }

    /** Lets it go on from where it stood; harmless when it runs. */
    synchronized void resume() {
        if (pausedAt >= 0) {
            pausedTotal += nanoTime.getAsLong() - pausedAt;
            pausedAt = -1;
        }
    }
}
