package dev.panamax.kvm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CpuClockTest {
    @Test
    void countsTheCpuTimeThisThreadBurns() {
        long before = CpuClock.processNanos();
        long threadBefore = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long sink = 0;
        while (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - threadBefore
                < 30_000_000L) {
            sink += System.nanoTime() & 1;
        }
        long after = CpuClock.processNanos();
        // this thread alone burned 30 ms; the process clock counts it (and the JVM's other threads)
        assertThat(after - before).as("sink %d", sink).isGreaterThanOrEqualTo(30_000_000L);
    }

    @Test
    void resolvesBelowAClockTick() {
        // times(2) would only ever step in 10 ms ticks; two readings a few microseconds apart differ
        long first = CpuClock.processNanos();
        long next;
        do {
            next = CpuClock.processNanos();
        } while (next == first);
        assertThat(next - first).isPositive().isLessThan(5_000_000L);
    }
}
