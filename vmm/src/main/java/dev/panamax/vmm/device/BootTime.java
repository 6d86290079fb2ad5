package dev.panamax.vmm.device;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the guest took to boot, by the {@link BootTimer}: wall-clock time from the VM's
 * start to the guest's signal, and the CPU time the whole Panamax process used meanwhile.
 */
public record BootTime(Duration wall, Duration cpu) {
    public BootTime {
        Objects.requireNonNull(wall, "wall");
        Objects.requireNonNull(cpu, "cpu");
    }

    /** Firecracker's log line: {@code Guest-boot-time =  12345 us 12 ms,   6789 CPU us 6 CPU ms}. */
    public String describe() {
        long us = wall.toNanos() / 1000;
        long cpuUs = cpu.toNanos() / 1000;
        return String.format("Guest-boot-time = %6d us %d ms, %6d CPU us %d CPU ms", us, us / 1000, cpuUs, cpuUs / 1000);
    }
}
