package dev.panamax.virtio;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One virtio-blk request through {@link BlockDevice#process}: a 4 KiB read or write at a sector
 * that walks through a 64 MiB temporary image (in the page cache after the warm-up), from the
 * available ring to the status byte and the used ring. The figure is the device's handling plus
 * one pread or pwrite; no fsync.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BlockRequestBench {
    private static final int IMAGE_MIB = 64;
    private static final int LENGTH = 4096;
    private static final int SECTORS_PER_REQUEST = LENGTH / BlockDevice.SECTOR_SIZE;
    private static final int T_IN = 0;
    private static final int T_OUT = 1;

    @Param({"read", "write"})
    public String kind;

    private Path image;
    private BlockDevice disk;
    private BenchRing ring;
    private long sector;

    @Setup(Level.Trial)
    public void open() throws IOException, VirtqueueException {
        image = Files.createTempFile("panamax-jmh", ".img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength((long) IMAGE_MIB << 20);
        }
        boolean read = kind.equals("read");
        disk = BlockDevice.open(image, false, "jmh");
        ring = new BenchRing(LENGTH, read);
        disk.activate(ring.memory, disk.deviceFeatures(), List.of(ring.queue));
        ring.memory.writeU32(BenchRing.HEADER, read ? T_IN : T_OUT);
        ring.memory.writeU32(BenchRing.HEADER + 4, 0);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        disk.close();
        ring.close();
        Files.deleteIfExists(image);
    }

    @Benchmark
    public int request() throws VirtqueueException {
        ring.memory.writeU64(BenchRing.HEADER + 8, sector);
        sector = (sector + SECTORS_PER_REQUEST) % ((long) IMAGE_MIB << 20 >> 9);
        ring.offer();
        if (!disk.process(0, ring.queue)) {
            throw new IllegalStateException("the device used no request");
        }
        int status = ring.memory.readU8(BenchRing.STATUS) & 0xFF;
        if (status != 0) {
            throw new IllegalStateException("request failed with status " + status);
        }
        return status;
    }
}
