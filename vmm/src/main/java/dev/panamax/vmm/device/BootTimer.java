package dev.panamax.vmm.device;

import dev.panamax.device.BusDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Firecracker's boot-timer device: a 4 KiB MMIO window (at {@code MemoryMap.BOOT_TIMER_START})
 * where the guest writes {@link #MAGIC} to offset 0 once it has booted (its init, through
 * {@code devmem 0xc0000000 8 123}). Each such write logs Firecracker's {@code Guest-boot-time}
 * line, measured from the VM's start, and hands the {@link BootTime} on. Reads return 0; other
 * writes are ignored.
 */
public final class BootTimer implements BusDevice {
    /** The byte that says "booted" (Firecracker's MAGIC_VALUE_SIGNAL_GUEST_BOOT_COMPLETE). */
    public static final int MAGIC = 123;

    private static final Logger LOG = LoggerFactory.getLogger(BootTimer.class);

    private final long startNanos;
    private final long startCpuNanos;
    private final LongSupplier nanoTime;
    private final LongSupplier cpuNanos;
    private final Consumer<BootTime> onBoot;

    /**
     * @param nanoTime a monotonic wall clock ({@code System::nanoTime})
     * @param cpuNanos the process's CPU time ({@code CpuClock::processNanos})
     * @param startNanos {@code nanoTime} at the VM's start
     * @param startCpuNanos {@code cpuNanos} at the VM's start
     * @param onBoot gets each measurement, on the vCPU thread that made the write
     */
    public BootTimer(LongSupplier nanoTime, LongSupplier cpuNanos, long startNanos, long startCpuNanos,
            Consumer<BootTime> onBoot) {
        this.nanoTime = nanoTime;
        this.cpuNanos = cpuNanos;
        this.startNanos = startNanos;
        this.startCpuNanos = startCpuNanos;
        this.onBoot = onBoot;
    }

    @Override
    public long read(long offset, int size) {
        return 0;
    }

    /** Firecracker looks at the first byte written to offset 0, whatever the access size. */
    @Override
    public void write(long offset, int size, long value) {
        if (offset != 0 || (value & 0xFF) != MAGIC) {
            return;
        }
        BootTime t = new BootTime(Duration.ofNanos(nanoTime.getAsLong() - startNanos),
                Duration.ofNanos(cpuNanos.getAsLong() - startCpuNanos));
        LOG.info(t.describe());
        onBoot.accept(t);
    }
}
