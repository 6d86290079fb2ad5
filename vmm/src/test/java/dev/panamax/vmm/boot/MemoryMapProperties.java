package dev.panamax.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.panamax.memory.GuestMemory;

import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class MemoryMapProperties {
    private static final long PAGE = MemoryMap.PAGE_SIZE;

    @Property
    void e820DescribesExactlyTheRamRanges(@ForAll @LongRange(min = 257, max = MemoryMap.MAX_RAM_SIZE / PAGE) long pages) {
        MemoryMap map = new MemoryMap(pages * PAGE);
        List<GuestMemory.Range> ranges = map.ranges();
        List<E820Entry> e820 = map.e820();

        assertThat(ranges.stream().mapToLong(GuestMemory.Range::size).sum()).isEqualTo(map.ramSize());
        for (int i = 1; i < e820.size(); i++) {
            assertThat(e820.get(i).address()).isGreaterThanOrEqualTo(e820.get(i - 1).end());
        }
        for (E820Entry e : e820) {
            assertThat(ranges).anySatisfy(r -> assertThat(e.address() >= r.guestAddress()
                    && e.end() <= r.guestAddress() + r.size()).isTrue());
            assertThat(e.end() <= MemoryMap.MMIO_GAP_START || e.address() >= MemoryMap.MMIO_GAP_END).isTrue();
        }
        long usable = e820.stream().filter(e -> e.type() == E820Entry.RAM).mapToLong(E820Entry::size).sum();
        assertThat(usable).isEqualTo(map.ramSize() - (MemoryMap.HIMEM_START - MemoryMap.MPTABLE_START));
        assertThat(e820).contains(new E820Entry(MemoryMap.MPTABLE_START,
                MemoryMap.HIMEM_START - MemoryMap.MPTABLE_START, E820Entry.RESERVED));
    }

    @Property
    void rangesAreWholePagesAndAvoidTheMmioGap(@ForAll @LongRange(min = 257, max = MemoryMap.MAX_RAM_SIZE / PAGE) long pages) {
        for (GuestMemory.Range r : new MemoryMap(pages * PAGE).ranges()) {
            assertThat(r.guestAddress() % PAGE).isZero();
            assertThat(r.size() % PAGE).isZero();
            assertThat(r.guestAddress() + r.size() <= MemoryMap.MMIO_GAP_START
                    || r.guestAddress() >= MemoryMap.MMIO_GAP_END).isTrue();
        }
    }

    @Property
    void theBootTimerPageIsNeverRamNorAVirtioWindow(
            @ForAll @LongRange(min = 257, max = MemoryMap.MAX_RAM_SIZE / PAGE) long pages) {
        long start = MemoryMap.BOOT_TIMER_START;
        long end = start + MemoryMap.BOOT_TIMER_SIZE;
        for (GuestMemory.Range r : new MemoryMap(pages * PAGE).ranges()) {
            assertThat(end <= r.guestAddress() || start >= r.guestAddress() + r.size()).isTrue();
        }
        assertThat(start).isGreaterThanOrEqualTo(MemoryMap.MMIO_GAP_START);
        assertThat(end).isLessThanOrEqualTo(MemoryMap.VIRTIO_MMIO_BASE);
    }
}
