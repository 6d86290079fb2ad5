package dev.panamax.kvm;

import dev.panamax.kvm.sys.Libc;
import dev.panamax.kvm.sys.Syscall;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The CPU time this process has used, to the nanosecond ({@code CLOCK_PROCESS_CPUTIME_ID}):
 * what Firecracker's boot timer reports as "CPU us". The JDK's own process CPU time
 * ({@code OperatingSystemMXBean.getProcessCpuTime()}) comes from {@code times(2)} in clock
 * ticks, 10 ms on most hosts, too coarse for a boot that takes tens of milliseconds.
 */
public final class CpuClock {
    private CpuClock() {}

    /** CPU nanoseconds used by all of this process's threads so far. */
    public static long processNanos() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.allocateCaptureState(arena);
            MemorySegment timespec = arena.allocate(JAVA_LONG, 2);
            Syscall.check("clock_gettime(CLOCK_PROCESS_CPUTIME_ID)",
                    Libc.clockGettime(state, Libc.CLOCK_PROCESS_CPUTIME_ID, timespec), state);
            return timespec.getAtIndex(JAVA_LONG, 0) * 1_000_000_000L + timespec.getAtIndex(JAVA_LONG, 1);
        }
    }
}
