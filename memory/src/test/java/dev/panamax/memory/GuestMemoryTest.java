package dev.panamax.memory;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuestMemoryTest {
    private static final long LOW = 0;
    private static final long LOW_SIZE = 64 * 1024;
    private static final long HIGH = 0x1_0000_0000L;
    private static final long HIGH_SIZE = 16 * 1024;
    private static GuestMemory memory;

    @BeforeContainer
    static void map() {
        memory = layout();
    }

    @AfterContainer
    static void unmap() {
        memory.close();
    }

    private static GuestMemory layout() {
        return GuestMemory.anonymous(List.of(new GuestMemory.Range(HIGH, HIGH_SIZE), new GuestMemory.Range(LOW, LOW_SIZE)));
    }

    @Test
    void regionsAreSortedAndZeroed() {
        try (GuestMemory m = layout()) {
            assertThat(m.regions()).extracting(GuestRegion::guestAddress).containsExactly(LOW, HIGH);
            assertThat(m.regions()).extracting(GuestRegion::size).containsExactly(LOW_SIZE, HIGH_SIZE);
            assertThat(m.size()).isEqualTo(LOW_SIZE + HIGH_SIZE);
            assertThat(m.read(HIGH, 16)).containsOnly(0);
        }
    }

    @Test
    void regionsTellWhereTheirBytesLiveOnTheHost() {
        try (GuestMemory m = layout()) {
            for (GuestRegion r : m.regions()) {
                assertThat(m.slice(r.guestAddress(), r.size()).address()).isEqualTo(r.hostAddress());
                assertThat(m.slice(r.end() - 8, 8).address()).isEqualTo(r.hostAddress() + r.size() - 8);
            }
        }
    }

    @Test
    void mappingMoreThanTheHostHasFailsNamingTheCallAndErrno() {
        // far beyond any x86_64 user address space, even with MAP_NORESERVE
        assertThatThrownBy(() -> GuestMemory.anonymous(List.of(new GuestMemory.Range(0, 1L << 60))))
                .isInstanceOf(MappingException.class)
                .hasMessage("mmap(" + (1L << 60) + " bytes of guest RAM) failed: errno 12 (ENOMEM: not enough memory)");
    }

    @Test
    void copiesMoveBytesBetweenGuestRamAndASegmentWithinOneRegionOnly() {
        try (GuestMemory m = layout()) {
            m.copyFrom(MemorySegment.ofArray(new byte[] {9, 1, 2, 3, 9}), 1, HIGH + 10, 3);
            assertThat(m.read(HIGH + 9, 5)).containsExactly(0, 1, 2, 3, 0);
            byte[] out = new byte[6];
            m.copyTo(HIGH + 10, MemorySegment.ofArray(out), 2, 3);
            assertThat(out).containsExactly(0, 0, 1, 2, 3, 0);
            MemorySegment eight = MemorySegment.ofArray(new byte[8]);
            assertThatThrownBy(() -> m.copyFrom(eight, 0, LOW_SIZE - 4, 8)).isInstanceOf(GuestMemoryException.class)
                    .hasMessage("guest-physical range [0xfffc, +0x8) is outside guest RAM");
            assertThatThrownBy(() -> m.copyTo(HIGH - 1, eight, 0, 2)).isInstanceOf(GuestMemoryException.class);
        }
    }

    @Test
    void valuesAreLittleEndianAndUnaligned() {
        try (GuestMemory m = layout()) {
            m.writeU64(0x101, 0x0807060504030201L);
            assertThat(m.read(0x101, 8)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
            assertThat(m.readU16(0x102)).isEqualTo((short) 0x0302);
            assertThat(m.readU32(0x103)).isEqualTo(0x06050403);
            m.writeU32(HIGH + 8, 0xdeadbeef);
            assertThat(m.readU32(HIGH + 8)).isEqualTo(0xdeadbeef);
        }
    }

    @Test
    void accessesOutsideGuestRamAreRefused() {
        try (GuestMemory m = layout()) {
            assertThatThrownBy(() -> m.readU32(LOW_SIZE)).isInstanceOf(GuestMemoryException.class)
                    .hasMessageContaining("0x10000");
            // straddles the end of the low region
            assertThatThrownBy(() -> m.readU64(LOW_SIZE - 4)).isInstanceOf(GuestMemoryException.class);
            // straddles nothing but wraps the address space
            assertThatThrownBy(() -> m.slice(-8, 16)).isInstanceOf(GuestMemoryException.class);
            assertThatThrownBy(() -> m.slice(HIGH, Long.MAX_VALUE)).isInstanceOf(GuestMemoryException.class);
            assertThatThrownBy(() -> m.slice(HIGH, -1)).isInstanceOf(GuestMemoryException.class);
            assertThatThrownBy(() -> m.write(HIGH + HIGH_SIZE - 2, new byte[3])).isInstanceOf(GuestMemoryException.class);
        }
    }

    @Test
    void orderedU16RoundTripsLittleEndianAndMeetsPlainAccesses() {
        try (GuestMemory m = layout()) {
            m.writeU16Release(0x102, (short) 0xBEEF);
            assertThat(m.read(0x102, 2)).containsExactly(0xEF, 0xBE);
            assertThat(m.readU16(0x102)).isEqualTo((short) 0xBEEF);
            m.writeU16(HIGH + 6, (short) 0x1234);
            assertThat(m.readU16Acquire(HIGH + 6)).isEqualTo((short) 0x1234);
            // the last two bytes of a region are inside it
            m.writeU16Release(LOW_SIZE - 2, (short) -1);
            assertThat(m.readU16Acquire(LOW_SIZE - 2)).isEqualTo((short) -1);
        }
    }

    @Test
    void orderedU16RefusesMisalignedAddresses() {
        try (GuestMemory m = layout()) {
            assertThatThrownBy(() -> m.readU16Acquire(0x103)).isInstanceOf(GuestMemoryException.class)
                    .hasMessageContaining("0x103").hasMessageContaining("not 2-byte aligned");
            assertThatThrownBy(() -> m.writeU16Release(HIGH + 1, (short) 1)).isInstanceOf(GuestMemoryException.class)
                    .hasMessageContaining("not 2-byte aligned");
            assertThat(m.read(HIGH, 4)).as("nothing written").containsOnly(0);
        }
    }

    @Test
    void orderedU16RefusesAddressesOutsideGuestRam() {
        try (GuestMemory m = layout()) {
            assertThatThrownBy(() -> m.readU16Acquire(LOW_SIZE)).isInstanceOf(GuestMemoryException.class)
                    .hasMessageContaining("outside guest RAM");
            assertThatThrownBy(() -> m.writeU16Release(HIGH + HIGH_SIZE, (short) 1))
                    .isInstanceOf(GuestMemoryException.class);
            assertThatThrownBy(() -> m.readU16Acquire(-2)).isInstanceOf(GuestMemoryException.class);
            assertThatThrownBy(() -> m.readU16Acquire(Long.MAX_VALUE - 1)).isInstanceOf(GuestMemoryException.class);
        }
    }

    @Test
    void badLayoutsAreRejected() {
        assertThatThrownBy(() -> GuestMemory.anonymous(List.of(new GuestMemory.Range(0, 100))))
                .hasMessageContaining("not whole pages");
        assertThatThrownBy(() -> GuestMemory.anonymous(List.of(new GuestMemory.Range(0, 8192),
                new GuestMemory.Range(4096, 4096)))).hasMessageContaining("overlap");
    }

    /** Any (address, length) is either wholly inside one region and round-trips, or is refused. */
    @Property(tries = 2000)
    void everyAccessIsInsideARegionOrRefused(@ForAll long address, @ForAll @IntRange(min = 0, max = 70_000) int length) {
        // a quarter of the addresses stay arbitrary (huge, negative), the rest land in or near guest RAM
        long a = Math.floorMod(address, 4) == 0 ? address : Math.floorMod(address, HIGH + HIGH_SIZE + 8192);
        boolean inside = (a >= LOW && a < LOW + LOW_SIZE && length <= LOW + LOW_SIZE - a)
                || (a >= HIGH && a < HIGH + HIGH_SIZE && length <= HIGH + HIGH_SIZE - a);
        assertThat(memory.contains(a, length)).isEqualTo(inside);
        if (inside) {
            byte[] data = new byte[length];
            for (int i = 0; i < length; i++) {
                data[i] = (byte) (a + i);
            }
            memory.write(a, data);
            assertThat(memory.read(a, length)).isEqualTo(data);
        } else {
            assertThatThrownBy(() -> memory.slice(a, length)).isInstanceOf(GuestMemoryException.class);
        }
    }
}
