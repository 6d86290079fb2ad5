package dev.panamax.virtio;

import dev.panamax.device.Counter;
import dev.panamax.device.MetricsGroup;
import dev.panamax.memory.BufferWindows;
import dev.panamax.memory.GuestMemory;
import dev.panamax.memory.GuestMemoryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * virtio-blk (virtio 1.x, "Block Device") over a raw image file: one request queue; reads,
 * writes, flushes and GET_ID. Data moves directly between the file and guest memory
 * ({@link FileChannel} on {@link MemorySegment#asByteBuffer()} views of guest RAM), with no
 * copy in between.
 *
 * <p>A request is the chain's readable bytes (a 16-byte header {@code u32 type, u32 reserved,
 * u64 sector}, then for writes the data) followed by its writable bytes (for reads and GET_ID
 * the data, then the status byte, which is the last writable byte). A request that breaks this
 * shape fails with IOERR when there is a status byte to say so; without one the chain is
 * returned unused (length 0).
 */
public final class BlockDevice extends ChainServer implements AutoCloseable {
    /** Sectors are 512 bytes whatever the image's block size (virtio-blk's unit). */
    public static final int SECTOR_SIZE = 512;

    private static final Logger LOG = LoggerFactory.getLogger(BlockDevice.class);
    static final int DEVICE_TYPE = 2;
    private static final int QUEUE_SIZE = 256;
    /** Header and status take one descriptor each; the rest may carry data. */
    private static final int SEG_MAX = QUEUE_SIZE - 2;
    private static final int HEADER_SIZE = 16;
    /** VIRTIO_BLK_ID_BYTES: the serial GET_ID returns. */
    private static final int ID_BYTES = 20;
    private static final ValueLayout.OfInt U32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    // virtio_blk_config offsets (capacity u64, size_max u32, seg_max u32, ...).
    private static final int CONFIG_CAPACITY = 0;
    private static final int CONFIG_SEG_MAX = 12;
    private static final int CONFIG_SIZE = 24;

    /** virtio_blk_req type values. */
    private static final int T_IN = 0;
    private static final int T_OUT = 1;
    private static final int T_FLUSH = 4;
    private static final int T_GET_ID = 8;

    /** Status byte values. */
    static final byte S_OK = 0;
    static final byte S_IOERR = 1;
    static final byte S_UNSUPP = 2;

    /**
     * How a guest's flush reaches the image. A seam so tests can hold a flush in progress; the
     * VMM always uses {@link #FSYNC}.
     */
    @FunctionalInterface
    interface Flusher {
        /** fsync(2): the image's data and metadata reach stable storage. */
        Flusher FSYNC = file -> file.force(true);

        void flush(FileChannel file) throws IOException;
    }

    /** The image file being served; replaced by {@link #replaceImage} under the device lock. */
    private volatile Path path;
    private volatile FileChannel file;
    private final Flusher flusher;
    // Firecracker's block metrics; written under the transport's device lock (one writer at a time)
    private final Counter readBytes = new Counter();
    private final Counter writeBytes = new Counter();
    private final Counter readCount = new Counter();
    private final Counter writeCount = new Counter();
    /** fsyncs done for the guest's flushes. */
    private final Counter flushCount = new Counter();
    private final String driveId;
    private final boolean readOnly;
    /** Whether VIRTIO_BLK_F_FLUSH is offered (Firecracker's cache_type Writeback) or not (Unsafe). */
    private final boolean offersFlush;
    private volatile long capacitySectors;
    /** The serial GET_ID reports, {@link #ID_BYTES} long. */
    private final MemorySegment serial;
    private final byte[] config;
    // Per-request scratch, reused: the transport's device lock serializes requests.
    private final GuestBuffers readable = new GuestBuffers(false);
    private final GuestBuffers writable = new GuestBuffers(true);
    private final MemorySegment header = MemorySegment.ofArray(new byte[HEADER_SIZE]);
    private final MemorySegment statusByte = MemorySegment.ofArray(new byte[1]);
    /** ByteBuffer views of guest RAM for the image's reads and writes, made at activation. */
    private BufferWindows windows;

    private BlockDevice(Path path, FileChannel file, Flusher flusher, boolean readOnly, boolean offersFlush,
            long capacitySectors,
            String driveId) {
        this.path = path;
        this.file = file;
        this.flusher = flusher;
        this.readOnly = readOnly;
        this.offersFlush = offersFlush;
        this.capacitySectors = capacitySectors;
        this.serial = MemorySegment.ofArray(Arrays.copyOf(driveId.getBytes(StandardCharsets.US_ASCII), ID_BYTES));
        this.driveId = driveId;
        ByteBuffer c = ByteBuffer.allocate(CONFIG_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        c.putLong(CONFIG_CAPACITY, capacitySectors);
        c.putInt(CONFIG_SEG_MAX, SEG_MAX);
        this.config = c.array();
    }

    /**
     * Opens a raw disk image: read-only (the file opened for reading only) or read-write. The
     * capacity is the file size in sectors.
     *
     * @param driveId the serial GET_ID reports (its first 20 ASCII bytes)
     * @throws IllegalArgumentException when the file is missing, not a regular file, or its size
     *                                  is not a multiple of 512; the message is one line naming it
     * @throws UncheckedIOException     when it cannot be opened (e.g. no permission)
     */
    public static BlockDevice open(Path path, boolean readOnly, String driveId) {
        return open(path, readOnly, driveId, true);
    }

    /**
     * {@link #open(Path, boolean, String)}, offering the guest flushes ({@code offersFlush}: the
     * guest's flush is an fsync of the image, Firecracker's cache_type Writeback) or not (Unsafe:
     * the guest believes the disk has no write cache; its writes still reach the host file at
     * once, so they survive the VMM's death, but not the host's).
     */
    public static BlockDevice open(Path path, boolean readOnly, String driveId, boolean offersFlush) {
        return open(path, readOnly, driveId, offersFlush, Flusher.FSYNC);
    }

    /** {@link #open(Path, boolean, String)} with the guest's flushes going to {@code flusher}. */
    static BlockDevice open(Path path, boolean readOnly, String driveId, Flusher flusher) {
        return open(path, readOnly, driveId, true, flusher);
    }

    private static BlockDevice open(Path path, boolean readOnly, String driveId, boolean offersFlush,
            Flusher flusher) {
        FileChannel channel = openImage(path, readOnly);
        return new BlockDevice(path, channel, flusher, readOnly, offersFlush, sizeInSectors(path, channel), driveId);
    }

    /** Opens an image file for the mode asked; the message of a failure is one line naming it. */
    private static FileChannel openImage(Path path, boolean readOnly) {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("disk image " + path + ": no such file");
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("disk image " + path + ": not a regular file");
        }
        try {
            return readOnly
                    ? FileChannel.open(path, StandardOpenOption.READ)
                    : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(oneLine("disk image " + path + ": cannot open " + (readOnly ? "for reading" : "for reading and writing")
                    + ": " + e), e);
        }
    }

    /** The image's size in sectors; an image that is not whole sectors is closed and refused. */
    private static long sizeInSectors(Path path, FileChannel channel) {
        try {
            long size = channel.size();
            if (size % SECTOR_SIZE != 0) {
                throw new IllegalArgumentException("disk image " + path + ": size " + size + " bytes is not a multiple of "
                        + SECTOR_SIZE);
            }
            return size / SECTOR_SIZE;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException(oneLine("disk image " + path + ": " + e), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /**
     * Serves {@code newPath} from now on, in the same mode (Firecracker's {@code PATCH /drives}):
     * the new image is opened and checked first, so a bad one leaves the old in place; then the
     * capacity in the configuration space follows it and the old file is closed. Call it through
     * {@link VirtioMmioDevice#changeConfig}, which holds the device lock (no request is running)
     * and tells the driver the configuration changed.
     */
    public void replaceImage(Path newPath) {
        FileChannel channel = openImage(newPath, readOnly);
        long sectors = sizeInSectors(newPath, channel);
        FileChannel old = file;
        file = channel;
        path = newPath;
        capacitySectors = sectors;
        ByteBuffer.wrap(config).order(ByteOrder.LITTLE_ENDIAN).putLong(CONFIG_CAPACITY, sectors);
        closeQuietly(old);
    }

    private static String oneLine(String message) {
        return message.replaceAll("[\\r\\n]+", " ");
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Already failing; the first error is the one to report.
        }
    }

    /** The drive's identity, mode and size, for a snapshot. */
    @Override
    public DeviceState saveState() {
        return new DeviceState.Block(driveId, path, readOnly, offersFlush, capacitySectors);
    }

    /** The guest knew a drive of this id, mode and size; the image may have moved (another path). */
    @Override
    public void restoreState(DeviceState saved) {
        if (!(saved instanceof DeviceState.Block b)) {
            throw new IllegalArgumentException("drive " + driveId + ": the snapshot has a " + saved.getClass().getSimpleName()
                    + " device in its place");
        }
        if (!b.driveId().equals(driveId) || b.readOnly() != readOnly || b.offersFlush() != offersFlush) {
            throw new IllegalArgumentException("drive " + driveId + ": the snapshot's drive is " + b.driveId()
                    + (b.readOnly() ? " (read-only" : " (read-write") + (b.offersFlush() ? ", Writeback)" : ", Unsafe)")
                    + ", this one " + (readOnly ? "read-only" : "read-write") + (offersFlush ? ", Writeback" : ", Unsafe"));
        }
        if (b.sectors() != capacitySectors) {
            throw new IllegalArgumentException("drive " + driveId + ": the image " + path + " has " + capacitySectors
                    + " sectors, the guest knew " + b.sectors());
        }
    }

    /** The image's size in 512-byte sectors. */
    public long capacitySectors() {
        return capacitySectors;
    }

    /** The drive id, which GET_ID reports as the serial. */
    public String driveId() {
        return driveId;
    }

    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public int deviceType() {
        return DEVICE_TYPE;
    }

    @Override
    public long deviceFeatures() {
        long features = (offersFlush ? Feature.bit(Feature.BLK_FLUSH) : 0) | Feature.bit(Feature.BLK_SEG_MAX);
        return readOnly ? features | Feature.bit(Feature.BLK_RO) : features;
    }

    @Override
    public int queueCount() {
        return 1;
    }

    @Override
    public int queueMaxSize() {
        return QUEUE_SIZE;
    }

    @Override
    public long readConfig(int offset, int size) {
        return ConfigSpace.read(config, offset, size);
    }

    @Override
    public void writeConfig(int offset, int size, long value) {
        // Nothing is writable without VIRTIO_BLK_F_CONFIG_WCE, which is not offered.
    }


    @Override
    public void activate(GuestMemory memory, long ackedFeatures, List<Virtqueue> queues) {
        super.activate(memory, ackedFeatures, queues);
        windows = memory.bufferWindows();
    }

    @Override
    public void reset() {
        super.reset();
        windows = null;
    }

    /** Closes the image file. */
    @Override
    public void close() throws IOException {
        file.close();
    }

    /** How many flush requests reached the image file as an fsync. */
    public long fsyncCount() {
        return flushCount.get();
    }

    /** Firecracker's {@code block_<drive_id>} group (added up in {@code block}). */
    @Override
    public Optional<MetricsGroup> metrics() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("read_bytes", readBytes.get());
        counts.put("write_bytes", writeBytes.get());
        counts.put("read_count", readCount.get());
        counts.put("write_count", writeCount.get());
        counts.put("flush_count", flushCount.get());
        return Optional.of(new MetricsGroup("block", "block_" + driveId, counts));
    }

    /**
     * Runs one request; returns the bytes written into the guest's buffers (data + status).
     * Allocates nothing on success or an ordinary failure status (the streams, the header and
     * status bytes are the device's own, refilled per request); a malformed request's log
     * line and a JFR event (only while a recording enables it) may.
     */
    @Override
    int serve(DescriptorChain chain) {
        GuestBuffers in = readable.reset(memory, windows, chain);
        GuestBuffers out = writable.reset(memory, windows, chain);
        if (out.length() == 0) {
            LOG.debug("disk {}: request {} has no status byte; returned unused", path, chain.headIndex());
            return 0;
        }
        long statusAt = out.length() - 1;
        long dataWritten = 0;
        byte status;
        BlockRequestEvent timing = BlockRequestEvent.wanted() ? BlockRequestEvent.begun() : null;
        int type = -1;
        long sector = 0;
        long moved = 0;
        try {
            if (!readableFirst(chain)) {
                status = fail(chain, "readable buffers after writable ones");
            } else if (in.length() < HEADER_SIZE) {
                status = fail(chain, "header shorter than " + HEADER_SIZE + " bytes");
            } else {
                in.read(0, header);
                type = header.get(U32_LE, 0);
                sector = header.get(U64_LE, 8);
                switch (type) {
                    case T_IN -> {
                        status = transfer(chain, sector, out, 0, statusAt, false);
                        dataWritten = status == S_OK ? statusAt : 0;
                        if (status == S_OK) {
                            readCount.increment();
                            readBytes.add(statusAt);
                            moved = statusAt;
                        }
                    }
                    case T_OUT -> {
                        status = readOnly
                                ? fail(chain, "write to a read-only disk")
                                : transfer(chain, sector, in, HEADER_SIZE, in.length(), true);
                        if (status == S_OK) {
                            writeCount.increment();
                            writeBytes.add(in.length() - HEADER_SIZE);
                            moved = in.length() - HEADER_SIZE;
                        }
                    }
                    case T_FLUSH -> {
                        // Runs on the event loop under the transport's device lock only, so a
                        // long fsync delays this queue and a reset, never a vCPU's register access.
                        if (!readOnly) { // nothing of a read-only image can be dirty
                            flusher.flush(file);
                            flushCount.increment();
                        }
                        status = S_OK;
                    }
                    case T_GET_ID -> {
                        int n = (int) Math.min(ID_BYTES, statusAt);
                        out.write(0, serial.asSlice(0, n));
                        dataWritten = n;
                        status = S_OK;
                    }
                    default -> {
                        LOG.debug("disk {}: request type {} unsupported", path, Integer.toUnsignedString(type));
                        status = S_UNSUPP;
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("disk {}: I/O error: {}", path, e.toString());
            status = S_IOERR;
            dataWritten = 0;
        } catch (GuestMemoryException e) {
            status = fail(chain, e.getMessage());
            dataWritten = 0;
        }
        if (timing != null) {
            timing.finish(driveId, type, sector, moved, status);
        }
        try {
            statusByte.set(ValueLayout.JAVA_BYTE, 0, status);
            out.write(statusAt, statusByte);
        } catch (GuestMemoryException e) {
            LOG.debug("disk {}: request {}: status byte unwritable: {}", path, chain.headIndex(), e.getMessage());
            return 0;
        }
        return (int) (dataWritten + 1);
    }

    /** Whether every device-readable buffer comes before the device-writable ones, as requests must. */
    private static boolean readableFirst(DescriptorChain chain) {
        boolean seenWritable = false;
        for (int i = 0; i < chain.count(); i++) {
            if (chain.isWriteOnly(i)) {
                seenWritable = true;
            } else if (seenWritable) {
                return false;
            }
        }
        return true;
    }

    private byte fail(DescriptorChain chain, String why) {
        LOG.debug("disk {}: request {} failed: {}", path, chain.headIndex(), why);
        return S_IOERR;
    }

    /**
     * Moves stream bytes {@code [from, to)} of {@code buffers} to (write) or from (read) the
     * image at {@code sector}, after checking the request is whole sectors inside the disk.
     */
    private byte transfer(DescriptorChain chain, long sector, GuestBuffers buffers, long from, long to, boolean toFile)
            throws IOException {
        long length = to - from;
        if (length % SECTOR_SIZE != 0) {
            return fail(chain, "data length " + length + " is not whole sectors");
        }
        if (Long.compareUnsigned(sector, capacitySectors) > 0 || length > (capacitySectors - sector) * SECTOR_SIZE) {
            return fail(chain, "sectors " + Long.toUnsignedString(sector) + "+" + length / SECTOR_SIZE
                    + " beyond the capacity of " + capacitySectors);
        }
        buffers.transfer(file, sector * SECTOR_SIZE, from, to, toFile);
        return S_OK;
    }
}
