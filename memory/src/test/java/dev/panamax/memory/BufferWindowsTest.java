package dev.panamax.memory;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ByteBuffer windows onto guest RAM: the bytes they reach, their bounds, and dirty pages. */
class BufferWindowsTest {
    private static final long PAGE = GuestMemory.PAGE_SIZE;
    private static final long HIGH = 0x1_0000_0000L;
    private static final List<GuestMemory.Range> RANGES = List.of(
            new GuestMemory.Range(0, 64 * PAGE), new GuestMemory.Range(HIGH, 16 * PAGE));

    @Test
    void viewsReachTheGuestBytesOfTheirRangeOnly() {
        try (GuestMemory memory = GuestMemory.anonymous(RANGES)) {
            BufferWindows windows = memory.bufferWindows();
            ByteBuffer w = windows.writable(HIGH + 100, 8);
            assertThat(w.remaining()).isEqualTo(8);
            w.put(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            assertThat(memory.read(HIGH + 99, 10)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 0);

            ByteBuffer r = windows.readOnly(HIGH + 102, 3);
            assertThat(r.isReadOnly()).isTrue();
            byte[] got = new byte[r.remaining()];
            r.get(got);
            assertThat(got).containsExactly(3, 4, 5);
            assertThatThrownBy(() -> windows.readOnly(HIGH, 1).put((byte) 9)).isInstanceOf(ReadOnlyBufferException.class);

            assertThat(windows.readOnly(64 * PAGE - 4, 4).remaining()).as("a region's last bytes").isEqualTo(4);
        }
    }

    @Test
    void aRangeNotWhollyInOneRegionIsRefused() {
        try (GuestMemory memory = GuestMemory.anonymous(RANGES)) {
            BufferWindows windows = memory.bufferWindows();
            assertThatThrownBy(() -> windows.writable(64 * PAGE - 4, 8)).isInstanceOf(GuestMemoryException.class)
                    .hasMessage("guest-physical range [0x3fffc, +0x8) is outside guest RAM");
            assertThatThrownBy(() -> windows.readOnly(HIGH - 1, 2)).isInstanceOf(GuestMemoryException.class);
            assertThatThrownBy(() -> windows.readOnly(-8, 4)).isInstanceOf(GuestMemoryException.class);
            assertThatThrownBy(() -> windows.readOnly(0, -1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> windows.readOnly(0, BufferWindows.MAX_LENGTH + 1))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void writableViewsMarkTheirPagesDirtyAndReadOnlyViewsDoNot() {
        try (GuestMemory memory = GuestMemory.anonymous(RANGES, true); Arena arena = Arena.ofConfined()) {
            BufferWindows windows = memory.bufferWindows();
            windows.readOnly(0, (int) (64 * PAGE));
            windows.writable(5 * PAGE - 1, 2); // pages 4 and 5
            windows.writable(9 * PAGE, (int) PAGE); // page 9 only
            assertThat(drain(memory, arena)).isEqualTo(BitSet.valueOf(new long[] {(1L << 4) | (1L << 5) | (1L << 9)}));
        }
    }

    /** A gathering write takes several views at once: each slot's is its own buffer, even within one window. */
    @Test
    void viewsOfDifferentSlotsAreValidTogether() {
        try (GuestMemory memory = GuestMemory.anonymous(RANGES, true); Arena arena = Arena.ofConfined()) {
            memory.write(HIGH, new byte[] {10, 11, 12, 13, 14, 15, 16, 17});
            BufferWindows windows = memory.bufferWindows();
            ByteBuffer a = windows.readOnly(HIGH, 2, 0);
            ByteBuffer b = windows.readOnly(HIGH + 4, 3, 3);
            ByteBuffer c = windows.readOnly(PAGE, 1, 1);
            assertThat(List.of(a, b, c)).doesNotHaveDuplicates();
            assertThat(b.isReadOnly()).isTrue();
            byte[] got = new byte[5];
            a.get(got, 0, 2);
            b.get(got, 2, 3);
            assertThat(got).containsExactly(10, 11, 14, 15, 16);
            assertThat(windows.readOnly(HIGH + 1, 1, 3)).as("a slot's next call moves its own view").isSameAs(b);

            drain(memory, arena); // forget the test's own write
            windows.writable(7 * PAGE, 1, 5).put((byte) 42);
            windows.writable(2 * PAGE, 1, 2).put((byte) 43);
            assertThat(memory.read(7 * PAGE, 1)).containsExactly(42);
            assertThat(memory.read(2 * PAGE, 1)).containsExactly(43);
            assertThat(drain(memory, arena)).isEqualTo(BitSet.valueOf(new long[] {(1L << 2) | (1L << 7)}));
            assertThatThrownBy(() -> windows.writable(0, 1, -1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("buffer window slot -1 is negative");
        }
    }

    /** The dirty pages of region 0 since the last drain. */
    private static BitSet drain(GuestMemory memory, Arena arena) {
        MemorySegment bitmap = arena.allocate(GuestMemory.dirtyBitmapBytes(64 * PAGE), 8);
        memory.drainDirtyPages(0, bitmap);
        BitSet dirty = new BitSet();
        for (int p = 0; p < 64; p++) {
            if (DirtyBitmap.isSet(bitmap, p)) {
                dirty.set(p);
            }
        }
        return dirty;
    }

    /** ByteBuffers are int-indexed: a region past 2 GiB is reached through several windows. */
    @Test
    void rangesAnywhereInALargeRegionAreReachable() {
        long size = 5L << 30; // MAP_NORESERVE: only the pages touched are committed
        try (GuestMemory memory = GuestMemory.anonymous(List.of(new GuestMemory.Range(0, size)))) {
            BufferWindows windows = memory.bufferWindows();
            for (long at : new long[] {(1L << 30) - 4, (2L << 30) - 1, (3L << 30) + 8, size - 4}) {
                windows.writable(at, 4).putInt(0x01020304);
                assertThat(memory.read(at, 4)).as("at 0x%x", at).containsExactly(1, 2, 3, 4);
            }
            long lastStart = (2L << 30) - 1; // the longest view from a window's last byte before the next starts
            ByteBuffer longest = windows.readOnly(lastStart, BufferWindows.MAX_LENGTH);
            assertThat(longest.remaining()).isEqualTo(BufferWindows.MAX_LENGTH);
            assertThat(longest.get(longest.position())).isEqualTo((byte) 1);
            assertThat(windows.readOnly(size - BufferWindows.MAX_LENGTH, BufferWindows.MAX_LENGTH).remaining())
                    .isEqualTo(BufferWindows.MAX_LENGTH);
        }
    }
}
