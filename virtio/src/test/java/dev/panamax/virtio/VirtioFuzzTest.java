package dev.panamax.virtio;

import dev.panamax.memory.GuestMemory;
import dev.panamax.virtio.DriverQueue.Buf;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile guests: random descriptor tables, rings, indexes and register traffic must never make
 * an exception escape the transport, and every malformed ring ends in DEVICE_NEEDS_RESET (or
 * its requests complete); a well-formed random workload round-trips its data. Guest memory has
 * a hole between two regions, so hostile addresses hit both "past the end" and "in between".
 * GuestMemory's bounds checks are what keep every access inside guest RAM.
 */
@AddLifecycleHook(FuzzBudget.class)
class VirtioFuzzTest {
    private static final long HIGH_REGION = 2L << 20;
    private static final long DATA_AREA = 0x40000;
    private static final long DATA_AREA_SIZE = 0x40000;
    private static final long INDIRECT_AREA = 0x30000;
    private static final int IMAGE_SECTORS = 128;

    private Path dir;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeTry
    void createDir() throws IOException {
        dir = Files.createTempDirectory("panamax-virtio-fuzz");
    }

    @AfterTry
    void cleanUp() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
        closeables.clear();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private GuestMemory twoRegions() {
        GuestMemory m = GuestMemory.anonymous(List.of(new GuestMemory.Range(0, MockDriver.RAM_SIZE),
                new GuestMemory.Range(HIGH_REGION, MockDriver.RAM_SIZE)));
        closeables.add(m);
        return m;
    }

    private Path image(long seed) {
        try {
            byte[] bytes = new byte[IMAGE_SECTORS * 512];
            new Random(seed).nextBytes(bytes);
            return Files.write(dir.resolve("disk-" + seed + ".img"), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Delegates to a real device and records any unchecked exception its process() lets out (a bug). */
    private static final class Guarded implements VirtioDevice {
        final VirtioDevice inner;
        RuntimeException escaped;

        Guarded(VirtioDevice inner) {
            this.inner = inner;
        }

        @Override
        public int deviceType() {
            return inner.deviceType();
        }

        @Override
        public long deviceFeatures() {
            return inner.deviceFeatures();
        }

        @Override
        public int queueCount() {
            return inner.queueCount();
        }

        @Override
        public int queueMaxSize() {
            return inner.queueMaxSize();
        }

        @Override
        public long readConfig(int offset, int size) {
            return inner.readConfig(offset, size);
        }

        @Override
        public void writeConfig(int offset, int size, long value) {
            inner.writeConfig(offset, size, value);
        }

        @Override
        public void activate(GuestMemory memory, long ackedFeatures, List<Virtqueue> queues) {
            inner.activate(memory, ackedFeatures, queues);
        }

        @Override
        public boolean process(int queueIndex, Virtqueue queue) throws VirtqueueException {
            try {
                return inner.process(queueIndex, queue);
            } catch (RuntimeException e) {
                escaped = e;
                throw e;
            }
        }

        @Override
        public void reset() {
            inner.reset();
        }
    }

    enum Kind { BLOCK_RW, BLOCK_RO, RNG }

    private VirtioDevice device(Kind kind, Path image) {
        return switch (kind) {
            case BLOCK_RW, BLOCK_RO -> {
                BlockDevice d = BlockDevice.open(image, kind == Kind.BLOCK_RO, "fuzz");
                closeables.add(d);
                yield d;
            }
            case RNG -> new RngDevice();
        };
    }

    // ---- 1. hostile rings ----

    record RawDescriptor(long addr, int len, int flags, int next) {}

    record HostileRing(Kind kind, int size, long features, List<RawDescriptor> table, List<RawDescriptor> indirect,
                       List<Integer> availRing, int availIdx, int usedEvent, int availFlags, long seed) {}

    @SuppressWarnings("unchecked")
    private static <T> Arbitrary<T> weighted(Object... weightAndArbitrary) {
        List<net.jqwik.api.Tuple.Tuple2<Integer, Arbitrary<T>>> list = new ArrayList<>();
        for (int i = 0; i < weightAndArbitrary.length; i += 2) {
            list.add(net.jqwik.api.Tuple.of((Integer) weightAndArbitrary[i], (Arbitrary<T>) weightAndArbitrary[i + 1]));
        }
        return Arbitraries.frequencyOf(list.toArray(net.jqwik.api.Tuple.Tuple2[]::new));
    }

    private static Arbitrary<RawDescriptor> rawDescriptors(int size) {
        Arbitrary<Long> addr = weighted(
                6, Arbitraries.longs().between(DATA_AREA, DATA_AREA + DATA_AREA_SIZE - 1),
                1, Arbitraries.longs().between(MockDriver.RAM_SIZE - 600, MockDriver.RAM_SIZE + 600),
                1, Arbitraries.longs().between(HIGH_REGION - 600, HIGH_REGION + 600),
                1, Arbitraries.longs(),
                1, Arbitraries.just(INDIRECT_AREA));
        Arbitrary<Integer> len = weighted(
                4, Arbitraries.integers().between(0, 64),
                3, Arbitraries.integers().between(1, 8).map(n -> n * 512),
                1, Arbitraries.of(16, 32, 64, 17, -1, Integer.MIN_VALUE, 0x10000),
                1, Arbitraries.integers());
        Arbitrary<Integer> flags = weighted(
                12, Arbitraries.of(0, Descriptor.NEXT, Descriptor.WRITE, Descriptor.NEXT | Descriptor.WRITE),
                2, Arbitraries.integers().between(0, 7),
                1, Arbitraries.integers().between(0, 0xFFFF));
        Arbitrary<Integer> next = weighted(
                8, Arbitraries.integers().between(0, size - 1),
                1, Arbitraries.integers().between(0, size + 1),
                1, Arbitraries.integers().between(0, 0xFFFF));
        return Combinators.combine(addr, len, flags, next).as(RawDescriptor::new);
    }

    @Provide
    Arbitrary<HostileRing> hostileRings() {
        return Arbitraries.of(1, 2, 4, 8, 16).flatMap(size -> {
            Arbitrary<Kind> kind = Arbitraries.of(Kind.class);
            Arbitrary<Long> features = Arbitraries.of(0L, MockDriver.INDIRECT_DESC, MockDriver.EVENT_IDX,
                    MockDriver.INDIRECT_DESC | MockDriver.EVENT_IDX);
            Arbitrary<List<RawDescriptor>> table = rawDescriptors(size).list().ofSize(size);
            Arbitrary<List<RawDescriptor>> indirect = rawDescriptors(4).list().ofMinSize(0).ofMaxSize(4);
            Arbitrary<Integer> head = weighted(
                    8, Arbitraries.integers().between(0, size - 1),
                    1, Arbitraries.integers().between(0, size),
                    1, Arbitraries.integers().between(0, 0xFFFF));
            Arbitrary<List<Integer>> ring = head.list().ofSize(size);
            Arbitrary<Integer> availIdx = weighted(
                    8, Arbitraries.integers().between(1, size),
                    1, Arbitraries.integers().between(0, size + 1),
                    1, Arbitraries.integers().between(0, 0xFFFF));
            Arbitrary<Integer> u16 = Arbitraries.integers().between(0, 0xFFFF);
            Arbitrary<Integer> small = Arbitraries.integers().between(0, 3);
            Arbitrary<Long> seed = Arbitraries.longs();
            return Combinators.combine(kind, features, table, indirect, ring, availIdx, u16, small)
                    .as((k, f, t, ind, r, ai, ue, af) -> new HostileRing(k, size, f, t, ind, r, ai, ue, af, 0L))
                    .flatMap(h -> seed.map(s -> new HostileRing(h.kind(), h.size(), h.features(), h.table(), h.indirect(),
                            h.availRing(), h.availIdx(), h.usedEvent(), h.availFlags(), s)));
        });
    }

    @Property(tries = 400)
    void hostileRingsNeverEscapeAndEndInCompletionOrNeedsReset(@ForAll("hostileRings") HostileRing h) throws IOException {
        Path image = image(h.seed());
        byte[] before = Files.readAllBytes(image);
        Guarded guarded = new Guarded(device(h.kind(), image));
        MockDriver driver = new MockDriver(guarded, twoRegions(), false);
        driver.probe(MockDriver.VERSION_1 | h.features(), 1, h.size());
        DriverQueue q = driver.queue(0);

        // Random guest data, with block-request-looking headers sprinkled in.
        Random random = new Random(h.seed());
        byte[] data = new byte[(int) DATA_AREA_SIZE];
        random.nextBytes(data);
        for (int i = 0; i < 64; i++) {
            int at = random.nextInt(data.length / 16) * 16;
            int type = new int[] {0, 1, 4, 8, 3}[random.nextInt(5)];
            long sector = random.nextInt(IMAGE_SECTORS + 4);
            for (int b = 0; b < 4; b++) {
                data[at + b] = (byte) (type >>> (8 * b));
            }
            for (int b = 0; b < 8; b++) {
                data[at + 8 + b] = (byte) (sector >>> (8 * b));
            }
        }
        driver.memory.write(DATA_AREA, data);
        for (int i = 0; i < h.table().size(); i++) {
            RawDescriptor d = h.table().get(i);
            q.writeDescriptor(q.desc, i, d.addr(), d.len(), d.flags(), d.next());
        }
        for (int i = 0; i < h.indirect().size(); i++) {
            RawDescriptor d = h.indirect().get(i);
            q.writeDescriptor(INDIRECT_AREA, i, d.addr(), d.len(), d.flags(), d.next());
        }
        for (int i = 0; i < h.size(); i++) {
            driver.memory.writeU16(q.avail + 4 + 2L * i, (short) (int) h.availRing().get(i));
        }
        q.setUsedEvent(h.usedEvent());
        q.setAvailFlags(h.availFlags());
        q.setAvailIdx(h.availIdx());

        driver.kick(0);
        driver.device.processQueue(0);

        assertThat(guarded.escaped).as("unchecked exception out of the device").isNull();
        boolean needsReset = (driver.status() & DeviceStatus.DEVICE_NEEDS_RESET) != 0;
        FuzzBudget.chainsOf(driver);
        FuzzBudget.chains(needsReset ? 1 : 0); // the chain that broke the ring
        Statistics.label("outcome").collect(needsReset ? "needs reset" : q.usedIdx() == 0 ? "nothing to do" : "completed");
        if (!needsReset) {
            assertThat(q.usedIdx()).as("every available chain completed").isEqualTo(h.availIdx() & 0xFFFF);
        } else {
            assertThat(driver.reg(MmioRegister.INTERRUPT_STATUS) & MmioRegister.INT_CONFIG).isNotZero();
        }
        if (h.kind() != Kind.BLOCK_RW) {
            assertThat(Files.readAllBytes(image)).isEqualTo(before);
        } else {
            assertThat(Files.size(image)).isEqualTo(before.length);
        }
        // Whatever happened, a reset and a fresh probe bring the device back.
        driver.reg(MmioRegister.STATUS, 0);
        assertThat(driver.status()).isZero();
        driver.queues.clear();
        driver.probe(MockDriver.VERSION_1, 1, h.size());
        DriverQueue fresh = driver.queue(0);
        long status = driver.alloc(1, 1);
        long header = driver.alloc(16, 8);
        driver.memory.write(header, new byte[16]); // T_IN of sector 0, no data
        fresh.submit(List.of(Buf.in(header, 16), Buf.out(status, 1)));
        driver.kick(0);
        assertThat(fresh.takeUsed()).hasSize(1);
        assertThat(driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isZero();
        FuzzBudget.chainsOf(driver);
    }

    // ---- 1b. well-formed rings carrying hostile block requests ----

    record Segment(boolean writable, int place, int length) {}

    record HostileRequest(int type, long sector, List<Segment> segments, boolean indirect) {}

    @Provide
    Arbitrary<List<HostileRequest>> hostileRequests() {
        Arbitrary<Integer> type = weighted(8, Arbitraries.of(BlockClient.T_IN, BlockClient.T_OUT, BlockClient.T_FLUSH,
                BlockClient.T_GET_ID), 1, Arbitraries.integers());
        Arbitrary<Long> sector = weighted(8, Arbitraries.longs().between(0, IMAGE_SECTORS + 2), 1, Arbitraries.longs());
        Arbitrary<Integer> length = weighted(
                4, Arbitraries.of(16, 1, 512, 1024, 20),
                2, Arbitraries.integers().between(0, 4096),
                1, Arbitraries.of(0, 8, 15, 17, 511, 513));
        // place 0..7: a fresh buffer in RAM; 8: straddles the end of RAM; 9: straddles the hole; 10: far away.
        Arbitrary<Integer> place = weighted(16, Arbitraries.integers().between(0, 7), 1, Arbitraries.of(8, 9, 10));
        Arbitrary<Segment> segment = Combinators.combine(Arbitraries.of(true, false), place, length).as(Segment::new);
        Arbitrary<List<Segment>> segments = weighted(
                // mostly the usual shape: readable header, some data, writable status
                6, Combinators.combine(place, segment.list().ofMaxSize(4), Arbitraries.of(true, false), place)
                        .as((hp, middle, dataWritable, sp) -> {
                            List<Segment> all = new ArrayList<>();
                            all.add(new Segment(false, hp, 16));
                            middle.forEach(m -> all.add(new Segment(dataWritable, m.place(), m.length())));
                            all.add(new Segment(true, sp, 1));
                            return all;
                        }),
                1, segment.list().ofMinSize(1).ofMaxSize(6));
        Arbitrary<HostileRequest> request = Combinators.combine(type, sector, segments, Arbitraries.of(true, false))
                .as(HostileRequest::new);
        return request.list().ofMinSize(1).ofMaxSize(8);
    }

    private long place(MockDriver driver, Segment s) {
        return switch (s.place()) {
            case 8 -> MockDriver.RAM_SIZE - Math.max(1, s.length() / 2);
            case 9 -> HIGH_REGION - Math.max(1, s.length() / 2);
            case 10 -> 0xFFFF_FFFF_FFFF_F000L;
            default -> driver.alloc(Math.max(s.length(), 16), 16);
        };
    }

    @Property(tries = 300)
    void hostileBlockRequestsFailCleanly(@ForAll("hostileRequests") List<HostileRequest> requests, @ForAll boolean readOnly)
            throws IOException {
        Path image = image(requests.size());
        byte[] before = Files.readAllBytes(image);
        Guarded guarded = new Guarded(device(readOnly ? Kind.BLOCK_RO : Kind.BLOCK_RW, image));
        MockDriver driver = new MockDriver(guarded, twoRegions(), false);
        driver.probe(MockDriver.VERSION_1 | MockDriver.INDIRECT_DESC | MockDriver.EVENT_IDX, 1, 64);
        DriverQueue q = driver.queue(0);
        boolean anyWrite = false;
        List<Integer> heads = new ArrayList<>();
        List<Long> statusBytes = new ArrayList<>();
        for (HostileRequest r : requests) {
            List<Buf> bufs = new ArrayList<>();
            long last = -1;
            for (int i = 0; i < r.segments().size(); i++) {
                Segment s = r.segments().get(i);
                long at = place(driver, s);
                if (i == 0 && !s.writable() && s.length() >= 16 && s.place() < 8) {
                    driver.memory.write(at, java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                            .putInt(r.type()).putInt(0).putLong(r.sector()).array());
                }
                if (s.writable() && s.place() < 8 && s.length() > 0) {
                    driver.memory.slice(at, s.length()).fill((byte) 0x7F);
                }
                bufs.add(new Buf(at, s.length(), s.writable()));
                last = i == r.segments().size() - 1 && s.writable() && s.place() < 8 && s.length() > 0
                        ? at + s.length() - 1 : -1;
            }
            anyWrite |= r.type() == BlockClient.T_OUT;
            heads.add(r.indirect() ? q.submitIndirect(bufs) : q.submit(bufs));
            statusBytes.add(last);
        }
        driver.kick(0);

        assertThat(guarded.escaped).isNull();
        assertThat(driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).as("a bad request is not a broken ring").isZero();
        List<DriverQueue.Used> used = q.takeUsed();
        assertThat(used).extracting(DriverQueue.Used::id).containsExactlyElementsOf(heads);
        for (int i = 0; i < used.size(); i++) {
            long status = statusBytes.get(i);
            if (status >= 0) {
                int value = driver.memory.readU8(status);
                assertThat(value).as("status byte").isIn(0, 1, 2);
                assertThat(used.get(i).len()).isPositive();
                Statistics.label("status").collect(value);
            }
        }
        if (readOnly || !anyWrite) {
            assertThat(Files.readAllBytes(image)).isEqualTo(before);
        }
        FuzzBudget.chainsOf(driver);
    }

    // ---- 2. random register traffic ----

    record Access(int kind, long offset, int size, long value) {}

    @Provide
    Arbitrary<List<Access>> registerTraffic() {
        Arbitrary<Long> offset = weighted(
                6, Arbitraries.integers().between(0, 0x40).map(i -> (long) i * 4),
                2, Arbitraries.longs().between(0x100, 0x140),
                1, Arbitraries.longs().between(-8, 0x1100),
                1, Arbitraries.longs());
        Arbitrary<Integer> size = weighted(8, Arbitraries.just(4), 2, Arbitraries.of(0, 1, 2, 3, 8, -1));
        Arbitrary<Long> value = weighted(
                4, Arbitraries.of(0L, 1L, 2L, 3L, 4L, 7L, 8L, 0xFL, 0x40L, 0x80L, 0xFFL, 16L, 256L, 0x1000L),
                2, Arbitraries.longs().between(0, MockDriver.RAM_SIZE),
                1, Arbitraries.longs());
        Arbitrary<Integer> kind = Arbitraries.integers().between(0, 9);
        return Combinators.combine(kind, offset, size, value).as(Access::new).list().ofMaxSize(60);
    }

    @Property(tries = 300)
    void randomRegisterTrafficNeverThrowsAndResetRecovers(@ForAll("registerTraffic") List<Access> traffic,
                                                          @ForAll boolean probeFirst, @ForAll Kind kind) {
        Guarded guarded = new Guarded(device(kind, image(traffic.size())));
        MockDriver driver = new MockDriver(guarded, twoRegions(), false);
        if (probeFirst) {
            driver.probe(MockDriver.VERSION_1 | MockDriver.EVENT_IDX | MockDriver.INDIRECT_DESC, 1, 16);
        }
        for (Access a : traffic) {
            switch (a.kind()) {
                case 0, 1, 2, 3 -> driver.device.read(a.offset(), a.size());
                case 9 -> driver.device.processQueue((int) a.value() & 3);
                default -> driver.device.write(a.offset(), a.size(), a.value());
            }
        }
        assertThat(guarded.escaped).isNull();
        assertThat(driver.reg(MmioRegister.MAGIC_VALUE)).isEqualTo(0x74726976);
        FuzzBudget.chainsOf(driver);
        driver.reg(MmioRegister.STATUS, 0);
        assertThat(driver.status()).isZero();
        driver.queues.clear();
        driver.probe(MockDriver.VERSION_1, 1, 16);
        long header = driver.alloc(16, 8);
        long status = driver.alloc(1, 1);
        driver.queue(0).submit(List.of(Buf.in(header, 16), Buf.out(status, 1)));
        driver.kick(0);
        assertThat(driver.queue(0).takeUsed()).hasSize(1);
        FuzzBudget.chainsOf(driver);
    }

    // ---- 3. a well-formed workload round-trips ----

    record Op(boolean write, int sector, int count, int segment, boolean indirect, long seed) {}

    @Provide
    Arbitrary<List<List<Op>>> workloads() {
        Arbitrary<Op> op = Arbitraries.integers().between(1, 8).flatMap(count -> Combinators.combine(
                Arbitraries.of(true, false),
                Arbitraries.integers().between(0, IMAGE_SECTORS - count),
                Arbitraries.just(count),
                Arbitraries.of(512, 1024, 4096, 256, 300),
                Arbitraries.of(true, false),
                Arbitraries.longs()).as(Op::new));
        return op.list().ofMinSize(1).ofMaxSize(6).list().ofMinSize(1).ofMaxSize(8);
    }

    @Property(tries = 150)
    void wellFormedWorkloadRoundTrips(@ForAll("workloads") List<List<Op>> batches, @ForAll boolean eventIdx)
            throws IOException {
        Path image = image(batches.size());
        byte[] model = Files.readAllBytes(image);
        BlockDevice disk = BlockDevice.open(image, false, "roundtrip");
        closeables.add(disk);
        MockDriver driver = new MockDriver(disk, twoRegions(), false);
        driver.probe(MockDriver.VERSION_1 | MockDriver.INDIRECT_DESC | (eventIdx ? MockDriver.EVENT_IDX : 0), 1, 256);
        BlockClient client = new BlockClient(driver);
        long mark = driver.allocationMark();
        int interrupts = 0;
        for (List<Op> batch : batches) {
            // As Linux's virtqueue_enable_cb does: interrupt me for anything past what I have seen.
            client.queue.setUsedEvent(client.queue.usedIdx());
            List<BlockClient.Pending> pending = new ArrayList<>();
            List<byte[]> expected = new ArrayList<>();
            for (Op op : batch) {
                client.indirect = op.indirect();
                client.segmentSize = op.segment();
                int bytes = op.count() * 512;
                if (op.write()) {
                    byte[] data = new byte[bytes];
                    new Random(op.seed()).nextBytes(data);
                    System.arraycopy(data, 0, model, op.sector() * 512, bytes);
                    pending.add(client.submit(BlockClient.T_OUT, op.sector(), data, 0));
                    expected.add(null);
                } else {
                    pending.add(client.submit(BlockClient.T_IN, op.sector(), null, bytes));
                    expected.add(Arrays.copyOfRange(model, op.sector() * 512, op.sector() * 512 + bytes));
                }
            }
            driver.kick(0);
            List<DriverQueue.Used> used = client.queue.takeUsed();
            assertThat(used).extracting(DriverQueue.Used::id).containsExactlyElementsOf(pending.stream().map(BlockClient.Pending::head).toList());
            for (int i = 0; i < pending.size(); i++) {
                BlockClient.Pending p = pending.get(i);
                assertThat(driver.memory.readU8(p.status())).as("status of request %d", i).isEqualTo(BlockDevice.S_OK);
                if (expected.get(i) != null) {
                    assertThat(driver.memory.read(p.data(), p.inLength())).isEqualTo(expected.get(i));
                    assertThat(used.get(i).len()).isEqualTo(p.inLength() + 1);
                } else {
                    assertThat(used.get(i).len()).isEqualTo(1);
                }
            }
            interrupts++;
            assertThat(driver.interrupts).as("one interrupt per batch").hasValue(interrupts);
            driver.resetAllocator(mark);
        }
        assertThat(Files.readAllBytes(image)).isEqualTo(model);
        assertThat(driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isZero();
        FuzzBudget.chainsOf(driver);
    }
}
