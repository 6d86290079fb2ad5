package dev.panamax.memory;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The VMM's own dirty-page bitmap, the sparse diff it writes, and the rebase that applies one. */
class DirtyPagesTest {
    private static final long PAGE = GuestMemory.PAGE_SIZE;
    /** Two regions, the low one not a multiple of 64 pages, so a bitmap's last word is partial. */
    private static final List<GuestMemory.Range> RANGES = List.of(
            new GuestMemory.Range(0, 100 * PAGE), new GuestMemory.Range(0x1_0000_0000L, 8 * PAGE));

    /** The pages marked in KVM-layout {@code bitmap}, as page numbers. */
    private static BitSet marked(MemorySegment bitmap, long pages) {
        BitSet set = new BitSet();
        for (long p = 0; p < pages; p++) {
            if (DirtyBitmap.isSet(bitmap, p)) {
                set.set((int) p);
            }
        }
        return set;
    }

    @Property(tries = 300)
    void markingRangesMarksExactlyTheirPages(
            @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 300 * 4096 - 1) Integer> offsets,
            @ForAll @IntRange(min = 1, max = 70_000) int length) {
        long regionSize = 300 * PAGE;
        DirtyBitmap bitmap = new DirtyBitmap(regionSize);
        BitSet expected = new BitSet();
        for (int offset : offsets) {
            long n = Math.min(length, regionSize - offset);
            bitmap.mark(offset, n);
            expected.set((int) (offset / PAGE), (int) ((offset + n - 1) / PAGE) + 1);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(GuestMemory.dirtyBitmapBytes(regionSize));
            bitmap.drainInto(out);
            assertThat(marked(out, 300)).isEqualTo(expected);
            MemorySegment again = arena.allocate(GuestMemory.dirtyBitmapBytes(regionSize));
            bitmap.drainInto(again);
            assertThat(marked(again, 300).isEmpty()).as("drained: nothing left").isTrue();
        }
    }

    @Test
    void drainingOrsIntoWhatKvmAlreadyReported() {
        DirtyBitmap bitmap = new DirtyBitmap(128 * PAGE);
        bitmap.mark(70 * PAGE + 5, 1);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment log = arena.allocate(GuestMemory.dirtyBitmapBytes(128 * PAGE));
            log.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 1L << 3); // "KVM": page 3
            bitmap.drainInto(log);
            BitSet expected = new BitSet();
            expected.set(3);
            expected.set(70);
            assertThat(marked(log, 128)).isEqualTo(expected);
        }
    }

    @Test
    void writesMarkTheirPagesAndReadsDoNot() {
        try (GuestMemory m = GuestMemory.anonymous(RANGES, true); Arena arena = Arena.ofConfined()) {
            assertThat(m.tracksDirtyPages()).isTrue();
            m.writeU32(5 * PAGE + 4094, 1); // straddles pages 5 and 6
            m.writeU16Release(0x1_0000_0000L + 2 * PAGE, (short) 1);
            m.write(40 * PAGE, new byte[] {1});
            m.slice(99 * PAGE, 1).fill((byte) 7); // a writable view: marked
            m.copyFrom(MemorySegment.ofArray(new byte[8]), 0, 60 * PAGE - 4, 8); // pages 59 and 60
            m.copyTo(14 * PAGE, MemorySegment.ofArray(new byte[8]), 0, 8);
            m.readU64(10 * PAGE);
            m.read(11 * PAGE, 100);
            m.readU16Acquire(12 * PAGE);
            m.readOnlySlice(13 * PAGE, PAGE);
            MemorySegment low = arena.allocate(GuestMemory.dirtyBitmapBytes(100 * PAGE));
            MemorySegment high = arena.allocate(GuestMemory.dirtyBitmapBytes(8 * PAGE));
            m.drainDirtyPages(0, low);
            m.drainDirtyPages(1, high);
            BitSet expectedLow = new BitSet();
            expectedLow.set(5, 7);
            expectedLow.set(40);
            expectedLow.set(59, 61);
            expectedLow.set(99);
            assertThat(marked(low, 100)).isEqualTo(expectedLow);
            assertThat(marked(high, 8).stream().toArray()).containsExactly(2);
        }
    }

    @Test
    void aReadOnlySliceCannotBeWritten() {
        try (GuestMemory m = GuestMemory.anonymous(RANGES, true)) {
            assertThatThrownBy(() -> m.readOnlySlice(0, 8).fill((byte) 1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void memoryWithoutTrackingRefusesToDrain() {
        try (GuestMemory m = GuestMemory.anonymous(RANGES); Arena arena = Arena.ofConfined()) {
            assertThat(m.tracksDirtyPages()).isFalse();
            assertThatThrownBy(() -> m.drainDirtyPages(0, arena.allocate(GuestMemory.dirtyBitmapBytes(100 * PAGE))))
                    .isInstanceOf(IllegalStateException.class).hasMessage("guest memory does not track dirty pages");
        }
    }

    /** The data extents of {@code file}, as [start, end) pairs, from SEEK_DATA/SEEK_HOLE. */
    private static List<long[]> extents(Path file) {
        long size = file.toFile().length();
        List<long[]> extents = new ArrayList<>();
        int fd = Mmap.openReadOnly(file.toString());
        try {
            for (long data = Mmap.seekData(fd, 0); data >= 0 && data < size; ) {
                long hole = Mmap.seekHole(fd, data);
                extents.add(new long[] {data, hole});
                data = hole < size ? Mmap.seekData(fd, hole) : -1;
            }
        } finally {
            Mmap.close(fd);
        }
        return extents;
    }

    /**
     * A full image of {@code m} at {@code full}, and a diff of the pages in {@code low}/{@code high}
     * at {@code diff}: the diff is RAM-sized, with data exactly there and holes elsewhere.
     */
    private static void writeFullAndDiff(GuestMemory m, Path full, Path diff, MemorySegment low, MemorySegment high)
            throws Exception {
        try (FileChannel out = FileChannel.open(full, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            m.writeTo(out);
        }
        try (FileChannel out = FileChannel.open(diff, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            assertThat(m.writePagesTo(out, List.of(low, high))).isEqualTo(4 * PAGE);
        }
        try (RandomAccessFile f = new RandomAccessFile(diff.toFile(), "rw")) {
            f.setLength(m.size());
        }
    }

    @Test
    void aDiffHoldsOnlyTheDirtyPagesAndRebasingItOverTheBaseGivesTheFullImage(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("base.mem");
        Path full = dir.resolve("full.mem");
        Path diff = dir.resolve("diff.mem");
        try (GuestMemory m = GuestMemory.anonymous(RANGES, true); Arena arena = Arena.ofConfined()) {
            for (long p = 0; p < 100; p++) {
                m.writeU64(p * PAGE, 0x1000 + p); // every page has data in the base
            }
            try (FileChannel out = FileChannel.open(base, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                m.writeTo(out);
            }
            MemorySegment low = arena.allocate(GuestMemory.dirtyBitmapBytes(100 * PAGE));
            MemorySegment high = arena.allocate(GuestMemory.dirtyBitmapBytes(8 * PAGE));
            m.drainDirtyPages(0, low); // the base snapshot clears the log
            low.fill((byte) 0);
            m.writeU64(3 * PAGE + 8, -1);
            m.writeU64(4 * PAGE + 8, -2); // pages 3 and 4: one run
            m.writeU64(77 * PAGE, -3);
            m.writeU64(0x1_0000_0000L + 7 * PAGE, -4);
            m.drainDirtyPages(0, low);
            m.drainDirtyPages(1, high);
            writeFullAndDiff(m, full, diff, low, high);
        }
        assertThat(Files.size(diff)).isEqualTo(108 * PAGE);
        assertThat(extents(diff)).containsExactly(new long[] {3 * PAGE, 5 * PAGE}, new long[] {77 * PAGE, 78 * PAGE},
                new long[] {107 * PAGE, 108 * PAGE});

        assertThat(MemoryDiff.rebase(base, diff)).isEqualTo(4 * PAGE);
        assertThat(Files.readAllBytes(base)).isEqualTo(Files.readAllBytes(full));
    }

    @Test
    void rebaseLeavesTheBaseAloneUnderTheDiffsHoles(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("base.mem");
        Path diff = dir.resolve("diff.mem");
        byte[] bytes = new byte[(int) (16 * PAGE)];
        java.util.Arrays.fill(bytes, (byte) 0x5a);
        Files.write(base, bytes);
        try (RandomAccessFile f = new RandomAccessFile(diff.toFile(), "rw")) {
            f.setLength(16 * PAGE); // all hole: a diff of nothing
        }
        assertThat(MemoryDiff.rebase(base, diff)).isZero();
        assertThat(Files.readAllBytes(base)).isEqualTo(bytes);
    }

    @Test
    void rebaseRefusesADiffOfAnotherSize(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("base.mem");
        Path diff = dir.resolve("diff.mem");
        Files.write(base, new byte[(int) (2 * PAGE)]);
        Files.write(diff, new byte[(int) PAGE]);
        assertThatThrownBy(() -> MemoryDiff.rebase(base, diff)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("diff memory file " + diff + " holds 4096 bytes, base " + base + " holds 8192: not a diff"
                        + " of that base");
    }
}
