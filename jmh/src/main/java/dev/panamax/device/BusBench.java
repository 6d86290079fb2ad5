package dev.panamax.device;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * A vCPU exit's dispatch on the {@link Bus}: the lookup and the call into the device, on a port
 * bus laid out as Panamax's (i8042 0x60 and 0x64, the boot timer's and the UART's windows, a few
 * more) and an MMIO bus of 24 virtio-mmio windows of 4 KiB, as many as the VM has interrupt
 * lines for. The devices only keep the value, so the figure is the bus's share of an exit.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BusBench {
    private static final long MMIO_BASE = 0xd000_0000L;
    private static final int VIRTIO_WINDOWS = 24;

    /** Keeps the last value written, so that writes are not dead code. */
    static final class Latch implements BusDevice {
        long value;

        @Override
        public long read(long offset, int size) {
            return value + offset;
        }

        @Override
        public void write(long offset, int size, long value) {
            this.value = value ^ offset;
        }
    }

    private final Bus pio = new Bus();
    private final Bus mmio = new Bus();
    private long mmioNotify;

    @Setup
    public void layOut() {
        pio.register(0x20, 2, new Latch()); // PIC-style neighbours below and above the ones used
        pio.register(0x40, 4, new Latch());
        pio.register(0x60, 1, new Latch());
        pio.register(0x64, 1, new Latch());
        pio.register(0x80, 1, new Latch());
        pio.register(0x2f8, 8, new Latch());
        pio.register(0x3f8, 8, new Latch());
        for (int i = 0; i < VIRTIO_WINDOWS; i++) {
            mmio.register(MMIO_BASE + 0x1000L * i, 0x1000, new Latch());
        }
        mmioNotify = MMIO_BASE + 0x1000L * (VIRTIO_WINDOWS / 2) + 0x50; // QueueNotify of a middle window
    }

    /** The UART's transmit register: most port exits of a booting guest. */
    @Benchmark
    public boolean pioWriteUart() {
        return pio.write(0x3f8, 1, 'x');
    }

    /** The i8042's status port, which Linux polls. */
    @Benchmark
    public long pioReadI8042Status() {
        return pio.read(0x64, 1, 0);
    }

    /** A virtio queue notification: the one MMIO exit of a device's fast path. */
    @Benchmark
    public boolean mmioWriteQueueNotify() {
        return mmio.write(mmioNotify, 4, 0);
    }

    /** A port nothing claims (the bus answers "unmapped"). */
    @Benchmark
    public long pioReadUnmapped() {
        return pio.read(0x500, 1, 0xff);
    }
}
