package dev.panamax.virtio;

import dev.panamax.memory.GuestMemory;
import dev.panamax.virtio.DriverQueue.Buf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** virtio-blk against a temporary raw image, driven through the mmio transport. */
class BlockDeviceTest {
    private static final int SECTORS = 64;

    @TempDir
    Path dir;
    private Path image;
    private byte[] original;
    private BlockDevice disk;
    private MockDriver driver;

    @BeforeEach
    void createImage() throws IOException {
        image = dir.resolve("disk.img");
        original = new byte[SECTORS * 512];
        new Random(42).nextBytes(original);
        Files.write(image, original);
    }

    @AfterEach
    void close() throws IOException {
        if (driver != null) {
            driver.close();
        }
        if (disk != null) {
            disk.close();
        }
    }

    private BlockClient start(boolean readOnly, long features) {
        return start(readOnly, features, 256);
    }

    private BlockClient start(boolean readOnly, long features, int queueSize) {
        disk = BlockDevice.open(image, readOnly, "rootfs");
        driver = new MockDriver(disk);
        driver.probe(MockDriver.VERSION_1 | features, 1, queueSize);
        return new BlockClient(driver);
    }

    private static byte[] sectors(byte[] image, long sector, int count) {
        return Arrays.copyOfRange(image, (int) sector * 512, (int) (sector + count) * 512);
    }

    @Test
    void configAndFeatures() {
        start(false, 0);
        assertThat(driver.device.read(MmioRegister.CONFIG, 4)).isEqualTo(SECTORS);
        assertThat(driver.device.read(MmioRegister.CONFIG + 4, 4)).isZero();
        assertThat(driver.device.read(MmioRegister.CONFIG + 12, 4)).as("seg_max").isEqualTo(254);
        assertThat(driver.reg(MmioRegister.DEVICE_ID)).isEqualTo(2);
        long offered = driver.deviceFeatures();
        assertThat(offered & (1L << 9)).as("FLUSH").isNotZero();
        assertThat(offered & (1L << 2)).as("SEG_MAX").isNotZero();
        assertThat(offered & (1L << 5)).as("RO").isZero();
        driver.close();
        driver = null;
        try (BlockDevice ro = BlockDevice.open(image, true, "x")) {
            assertThat(ro.deviceFeatures() & (1L << 5)).isNotZero();
            assertThat(ro.capacitySectors()).isEqualTo(SECTORS);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aNewImageIsServedWithItsSizeAfterAConfigurationChangeInterrupt() throws IOException {
        BlockClient c = start(false, 0);
        int generation = driver.reg(MmioRegister.CONFIG_GENERATION);
        byte[] bigger = new byte[2 * SECTORS * 512];
        new Random(9).nextBytes(bigger);
        Path other = Files.write(dir.resolve("bigger.img"), bigger);

        driver.device.changeConfig(() -> disk.replaceImage(other));

        assertThat(driver.device.read(MmioRegister.CONFIG, 4)).isEqualTo(2 * SECTORS);
        assertThat(driver.reg(MmioRegister.CONFIG_GENERATION)).isEqualTo(generation + 1);
        assertThat(driver.interrupts).hasValue(1);
        assertThat(driver.acknowledgeInterrupt()).isEqualTo(MmioRegister.INT_CONFIG);
        assertThat(c.read(SECTORS + 5, 512).data()).isEqualTo(sectors(bigger, SECTORS + 5, 1));
        assertThat(Files.readAllBytes(image)).as("the old image is left as it was").isEqualTo(original);
    }

    @Test
    void aBadNewImageChangesNothing() throws IOException {
        BlockClient c = start(false, 0);
        int generation = driver.reg(MmioRegister.CONFIG_GENERATION);
        Path odd = Files.write(dir.resolve("odd.img"), new byte[1000]);
        assertThatThrownBy(() -> driver.device.changeConfig(() -> disk.replaceImage(odd)))
                .hasMessage("disk image " + odd + ": size 1000 bytes is not a multiple of 512");
        assertThatThrownBy(() -> driver.device.changeConfig(() -> disk.replaceImage(dir.resolve("none.img"))))
                .hasMessageEndingWith("none.img: no such file");
        assertThat(driver.reg(MmioRegister.CONFIG_GENERATION)).isEqualTo(generation);
        assertThat(driver.interrupts).hasValue(0);
        assertThat(driver.device.read(MmioRegister.CONFIG, 4)).isEqualTo(SECTORS);
        assertThat(c.read(3, 512).data()).isEqualTo(sectors(original, 3, 1));
    }

    @Test
    void anUnsafeDriveOffersNoFlush() throws IOException {
        try (BlockDevice unsafe = BlockDevice.open(image, false, "u", false);
             BlockDevice writeback = BlockDevice.open(dir.resolve("disk.img"), true, "w", true)) {
            assertThat(unsafe.deviceFeatures() & (1L << 9)).as("FLUSH").isZero();
            assertThat(writeback.deviceFeatures() & (1L << 9)).as("FLUSH").isNotZero();
        }
    }

    @Test
    void readsAKnownSector() {
        BlockClient c = start(false, 0);
        BlockClient.Result r = c.read(3, 512);
        assertThat(r.status()).isEqualTo(BlockDevice.S_OK);
        assertThat(r.data()).isEqualTo(sectors(original, 3, 1));
        assertThat(r.usedLength()).isEqualTo(513);
        assertThat(driver.interrupts).hasValue(1);
        assertThat(driver.acknowledgeInterrupt()).isEqualTo(MmioRegister.INT_VRING);
    }

    @Test
    void writesThenReadsBack() throws IOException {
        BlockClient c = start(false, 0);
        byte[] data = new byte[3 * 512];
        new Random(7).nextBytes(data);
        BlockClient.Result w = c.write(10, data);
        assertThat(w.status()).isEqualTo(BlockDevice.S_OK);
        assertThat(w.usedLength()).isEqualTo(1);
        assertThat(sectors(Files.readAllBytes(image), 10, 3)).isEqualTo(data);
        assertThat(c.read(10, 3 * 512).data()).isEqualTo(data);
        assertThat(c.read(9, 512).data()).isEqualTo(sectors(original, 9, 1));
    }

    @Test
    void dataSplitAcrossManySegments() throws IOException {
        BlockClient c = start(false, 0);
        c.segmentSize = 100;
        byte[] data = new byte[4 * 512];
        new Random(9).nextBytes(data);
        assertThat(c.write(20, data).status()).isEqualTo(BlockDevice.S_OK);
        assertThat(sectors(Files.readAllBytes(image), 20, 4)).isEqualTo(data);
        BlockClient.Result r = c.read(20, 4 * 512);
        assertThat(r.data()).isEqualTo(data);
        assertThat(r.usedLength()).isEqualTo(4 * 512 + 1);
    }

    /**
     * A diff snapshot saves the pages the VMM wrote: a write request's data buffers are only
     * read by the device, so they must not be marked dirty; a read request's are written.
     */
    @Test
    void writeRequestsLeaveTheirDataPagesCleanAndReadsMarkThem() throws IOException {
        disk = BlockDevice.open(image, false, "rootfs");
        GuestMemory memory = GuestMemory.anonymous(List.of(new GuestMemory.Range(0, MockDriver.RAM_SIZE)), true);
        driver = new MockDriver(disk, memory, true);
        driver.probe(MockDriver.VERSION_1, 1, 256);
        BlockClient c = new BlockClient(driver);
        c.segmentSize = 4096; // several data descriptors
        byte[] data = new byte[4 * 4096];
        new Random(11).nextBytes(data);

        BlockClient.Pending w = c.submit(BlockClient.T_OUT, 8, data, 0);
        DirtyPages.drain(memory, MockDriver.RAM_SIZE); // forget the driver's own writes: what follows is the device's
        driver.kick(0);
        assertThat(c.complete(w).status()).isEqualTo(BlockDevice.S_OK);
        BitSet afterWrite = DirtyPages.drain(memory, MockDriver.RAM_SIZE);
        assertThat(sectors(Files.readAllBytes(image), 8, 32)).isEqualTo(data);
        assertThat(afterWrite.get((int) (w.status() / GuestMemory.PAGE_SIZE))).as("the status byte's page").isTrue();
        // Whole pages only: the first and last may share theirs with the rings, header or status.
        BitSet dataOnly = new BitSet();
        dataOnly.set((int) ((w.data() + GuestMemory.PAGE_SIZE - 1) / GuestMemory.PAGE_SIZE),
                (int) ((w.data() + data.length) / GuestMemory.PAGE_SIZE));
        assertThat(dataOnly.cardinality()).as("pages holding nothing but data").isGreaterThanOrEqualTo(3);
        dataOnly.and(afterWrite);
        assertThat(dataOnly).as("data pages of a write request marked dirty").isEqualTo(new BitSet());
        driver.resetAllocator(w.mark());

        BlockClient.Pending r = c.submit(BlockClient.T_IN, 8, null, data.length);
        DirtyPages.drain(memory, MockDriver.RAM_SIZE);
        driver.kick(0);
        assertThat(c.complete(r).data()).isEqualTo(data);
        BitSet afterRead = DirtyPages.drain(memory, MockDriver.RAM_SIZE);
        BitSet readPages = DirtyPages.of(r.data(), data.length);
        readPages.andNot(afterRead);
        assertThat(readPages).as("data pages of a read request not marked dirty").isEqualTo(new BitSet());
    }

    @Test
    void headerSplitAcrossDescriptorsIsAccepted() {
        BlockClient c = start(false, 0);
        long header = c.header(BlockClient.T_IN, 2);
        long data = driver.alloc(512, 512);
        long status = driver.alloc(1, 1);
        c.queue.submit(List.of(Buf.in(header, 5), Buf.in(header + 5, 11), Buf.out(data, 512), Buf.out(status, 1)));
        driver.kick(0);
        assertThat(driver.memory.readU8(status)).isEqualTo(BlockDevice.S_OK);
        assertThat(driver.memory.read(data, 512)).isEqualTo(sectors(original, 2, 1));
    }

    @Test
    void aFlushOnAWritableDriveIsAnFsyncOfTheImage() {
        BlockClient c = start(false, 0);
        assertThat(disk.fsyncCount()).isZero();
        BlockClient.Result r = c.run(BlockClient.T_FLUSH, 0, null, 0);
        assertThat(r.status()).isEqualTo(BlockDevice.S_OK);
        assertThat(r.usedLength()).isEqualTo(1);
        assertThat(disk.fsyncCount()).isEqualTo(1);
    }

    @Test
    void aFlushOnAReadOnlyDriveSucceedsWithoutAnFsync() {
        BlockClient c = start(true, 0);
        assertThat(c.run(BlockClient.T_FLUSH, 0, null, 0).status()).isEqualTo(BlockDevice.S_OK);
        assertThat(disk.fsyncCount()).isZero();
    }

    /**
     * A slow fsync holds up its queue, not the vCPUs: while a flush is in progress on the event
     * loop, a vCPU's register accesses are answered; only a reset waits, until the request in
     * flight is complete.
     */
    @Test
    @Timeout(60)
    void registersAreAnsweredDuringAFlushAndAResetWaitsForIt() throws Exception {
        CountDownLatch flushing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        disk = BlockDevice.open(image, false, "rootfs", file -> {
            flushing.countDown();
            awaitOrFail(release);
            file.force(true);
        });
        driver = new MockDriver(disk);
        driver.probe(MockDriver.VERSION_1);
        BlockClient c = new BlockClient(driver);
        BlockClient.Pending flush = c.submit(BlockClient.T_FLUSH, 0, null, 0);
        Thread eventLoop = new Thread(() -> driver.device.processQueue(0), "event-loop");
        ExecutorService vcpu = Executors.newSingleThreadExecutor();
        try {
            eventLoop.start();
            assertThat(flushing.await(10, TimeUnit.SECONDS)).as("flush started").isTrue();
            Future<Integer> queueNumMax = vcpu.submit(() -> {
                driver.reg(MmioRegister.QUEUE_SEL, 0);
                return driver.reg(MmioRegister.QUEUE_NUM_MAX);
            });
            assertThat(queueNumMax.get(10, TimeUnit.SECONDS)).isEqualTo(256);
            Future<Long> features = vcpu.submit(() -> driver.deviceFeatures());
            assertThat(features.get(10, TimeUnit.SECONDS) & MockDriver.VERSION_1).isNotZero();

            Future<?> reset = vcpu.submit(() -> driver.reg(MmioRegister.STATUS, 0));
            assertThatThrownBy(() -> reset.get(200, TimeUnit.MILLISECONDS)).as("reset waits for the flush")
                    .isInstanceOf(TimeoutException.class);
            assertThat(disk.fsyncCount()).isZero();
            release.countDown();
            reset.get(10, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            vcpu.shutdownNow();
            eventLoop.join();
        }
        assertThat(disk.fsyncCount()).isEqualTo(1);
        assertThat(c.complete(flush).status()).as("completed before the reset").isEqualTo(BlockDevice.S_OK);
        assertThat(driver.status()).isZero();
    }

    private static void awaitOrFail(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IOException("test flush never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("test flush interrupted");
        }
    }

    @Test
    void getIdReturnsTheDriveId() {
        BlockClient c = start(false, 0);
        BlockClient.Result r = c.run(BlockClient.T_GET_ID, 0, null, 20);
        assertThat(r.status()).isEqualTo(BlockDevice.S_OK);
        assertThat(r.usedLength()).isEqualTo(21);
        assertThat(r.data()).isEqualTo(Arrays.copyOf("rootfs".getBytes(), 20));
    }

    @Test
    void unknownRequestIsUnsupported() {
        BlockClient c = start(false, 0);
        BlockClient.Result r = c.run(0x1234, 0, null, 0);
        assertThat(r.status()).isEqualTo(BlockDevice.S_UNSUPP);
        assertThat(r.usedLength()).isEqualTo(1);
    }

    @Test
    void readOnlyRefusesWritesAndLeavesTheFileAlone() throws IOException {
        BlockClient c = start(true, 1L << 5);
        byte[] data = new byte[512];
        Arrays.fill(data, (byte) 0x55);
        BlockClient.Result w = c.write(0, data);
        assertThat(w.status()).isEqualTo(BlockDevice.S_IOERR);
        assertThat(c.run(BlockClient.T_FLUSH, 0, null, 0).status()).isEqualTo(BlockDevice.S_OK);
        assertThat(c.read(0, 512).data()).isEqualTo(sectors(original, 0, 1));
        assertThat(Files.readAllBytes(image)).isEqualTo(original);
    }

    @Test
    void outOfRangeIsAnIoError() {
        BlockClient c = start(false, 0);
        assertThat(c.read(SECTORS - 1, 512).status()).isEqualTo(BlockDevice.S_OK);
        assertThat(c.read(SECTORS, 512).status()).isEqualTo(BlockDevice.S_IOERR);
        assertThat(c.read(SECTORS - 1, 1024).status()).isEqualTo(BlockDevice.S_IOERR);
        assertThat(c.read(Long.MIN_VALUE, 512).status()).isEqualTo(BlockDevice.S_IOERR);
        assertThat(c.read(-1L, 512).status()).isEqualTo(BlockDevice.S_IOERR);
        assertThat(c.read(Long.MAX_VALUE / 256, 512).status()).isEqualTo(BlockDevice.S_IOERR);
        assertThat(c.write(SECTORS, new byte[512]).status()).isEqualTo(BlockDevice.S_IOERR);
        BlockClient.Result r = c.read(SECTORS, 512);
        assertThat(r.usedLength()).isEqualTo(1);
        assertThat(driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isZero();
    }

    @Test
    void partialSectorIsAnIoError() {
        BlockClient c = start(false, 0);
        assertThat(c.read(0, 100).status()).isEqualTo(BlockDevice.S_IOERR);
        assertThat(c.write(0, new byte[100]).status()).isEqualTo(BlockDevice.S_IOERR);
    }

    @Test
    void indirectDescriptors() throws IOException {
        BlockClient c = start(false, MockDriver.INDIRECT_DESC);
        c.indirect = true;
        c.segmentSize = 512;
        byte[] data = new byte[8 * 512];
        new Random(3).nextBytes(data);
        assertThat(c.write(30, data).status()).isEqualTo(BlockDevice.S_OK);
        assertThat(sectors(Files.readAllBytes(image), 30, 8)).isEqualTo(data);
        assertThat(c.read(30, 8 * 512).data()).isEqualTo(data);
        assertThat(driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isZero();
    }

    @Test
    void aRequestOfMoreSegmentsThanTheRingHasEntriesIsServedThroughAnIndirectTable() throws IOException {
        BlockClient c = start(false, MockDriver.INDIRECT_DESC, 16);
        c.indirect = true;
        c.segmentSize = 128;
        byte[] data = new byte[50 * 512]; // 200 data segments, 202 descriptors, on a ring of 16
        new Random(5).nextBytes(data);
        assertThat(c.write(4, data).status()).isEqualTo(BlockDevice.S_OK);
        assertThat(sectors(Files.readAllBytes(image), 4, 50)).isEqualTo(data);
        assertThat(c.read(4, 50 * 512).data()).isEqualTo(data);
        assertThat(driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isZero();
    }

    @Test
    void eventIdxSuppressesAndRaisesInterrupts() {
        BlockClient c = start(false, MockDriver.EVENT_IDX);
        DriverQueue q = c.queue;
        q.setUsedEvent(2); // interrupt once used.idx passes 2 (the third completion)
        BlockClient.Pending a = c.submit(BlockClient.T_IN, 0, null, 512);
        BlockClient.Pending b = c.submit(BlockClient.T_IN, 1, null, 512);
        driver.kick(0);
        assertThat(q.takeUsed()).hasSize(2);
        assertThat(driver.interrupts).hasValue(0);
        assertThat(q.availEvent()).as("device asks for a kick after entry 2").isEqualTo(2);
        c.submit(BlockClient.T_IN, 2, null, 512);
        driver.kick(0);
        assertThat(q.takeUsed()).hasSize(1);
        assertThat(driver.interrupts).hasValue(1);
        assertThat(driver.memory.readU8(a.status())).isZero();
        assertThat(driver.memory.readU8(b.status())).isZero();
    }

    @Test
    void chainWithoutStatusByteIsReturnedUnused() {
        BlockClient c = start(false, 0);
        long header = c.header(BlockClient.T_IN, 0);
        int head = c.queue.submit(List.of(Buf.in(header, 16)));
        driver.kick(0);
        assertThat(c.queue.takeUsed()).containsExactly(new DriverQueue.Used(head, 0));
        assertThat(driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isZero();
    }

    @Test
    void shortHeaderFailsTheRequest() {
        BlockClient c = start(false, 0);
        long header = c.header(BlockClient.T_IN, 0);
        long status = driver.alloc(1, 1);
        c.queue.submit(List.of(Buf.in(header, 8), Buf.out(status, 1)));
        driver.kick(0);
        assertThat(driver.memory.readU8(status)).isEqualTo(BlockDevice.S_IOERR);
    }

    @Test
    void readableAfterWritableFailsTheRequest() {
        BlockClient c = start(false, 0);
        long header = c.header(BlockClient.T_IN, 0);
        long data = driver.alloc(512, 512);
        long status = driver.alloc(1, 1);
        c.queue.submit(List.of(Buf.out(data, 512), Buf.in(header, 16), Buf.out(status, 1)));
        driver.kick(0);
        assertThat(driver.memory.readU8(status)).isEqualTo(BlockDevice.S_IOERR);
    }

    @Test
    void dataOutsideRamIsAnIoErrorAndStatusOutsideRamReturnsUnused() throws IOException {
        BlockClient c = start(false, 0);
        long header = c.header(BlockClient.T_OUT, 0);
        long status = driver.alloc(1, 1);
        c.queue.submit(List.of(Buf.in(header, 16), Buf.in(MockDriver.RAM_SIZE - 256, 512), Buf.out(status, 1)));
        driver.kick(0);
        assertThat(driver.memory.readU8(status)).isEqualTo(BlockDevice.S_IOERR);

        long read = c.header(BlockClient.T_IN, 0);
        long data = driver.alloc(512, 512);
        c.queue.takeUsed();
        int head = c.queue.submit(List.of(Buf.in(read, 16), Buf.out(data, 512), Buf.out(0x7FFF_FFFF_0000L, 1)));
        driver.kick(0);
        assertThat(c.queue.takeUsed()).containsExactly(new DriverQueue.Used(head, 0));
        assertThat(driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isZero();
        assertThat(Files.readAllBytes(image)).isEqualTo(original);
    }

    @Test
    void missingFileIsRejectedByName() {
        Path missing = dir.resolve("nope.img");
        assertThatThrownBy(() -> BlockDevice.open(missing, false, "d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageNotContaining("\n");
    }

    @Test
    void sizeNotWholeSectorsIsRejectedByName() throws IOException {
        Path odd = dir.resolve("odd.img");
        Files.write(odd, new byte[1000]);
        assertThatThrownBy(() -> BlockDevice.open(odd, true, "d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(odd.toString())
                .hasMessageContaining("512")
                .hasMessageNotContaining("\n");
    }

    @Test
    void directoryIsRejected() {
        assertThatThrownBy(() -> BlockDevice.open(dir, true, "d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(dir.toString());
    }
}
