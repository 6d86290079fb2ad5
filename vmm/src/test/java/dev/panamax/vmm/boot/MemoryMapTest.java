package dev.panamax.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.panamax.memory.GuestMemory;

import org.junit.jupiter.api.Test;

class MemoryMapTest {
    private static final long MIB = 1 << 20;
    private static final long GIB = 1L << 30;

    @Test
    void smallGuestHasOneRangeAndThreeE820Entries() {
        MemoryMap map = MemoryMap.ofMib(256);

        assertThat(map.ranges()).containsExactly(new GuestMemory.Range(0, 256 * MIB));
        assertThat(map.lowRamEnd()).isEqualTo(256 * MIB);
        assertThat(map.highRamSize()).isZero();
        assertThat(map.e820()).containsExactly(
                new E820Entry(0, 0x9fc00, E820Entry.RAM),
                new E820Entry(0x9fc00, 0x100000 - 0x9fc00, E820Entry.RESERVED),
                new E820Entry(0x100000, 256 * MIB - 0x100000, E820Entry.RAM));
    }

    @Test
    void ramUpToTheGapStaysLow() {
        MemoryMap map = new MemoryMap(3 * GIB);

        assertThat(map.ranges()).containsExactly(new GuestMemory.Range(0, 0xc000_0000L));
        assertThat(map.e820()).hasSize(3);
    }

    @Test
    void ramBeyondTheGapContinuesAtFourGib() {
        MemoryMap map = new MemoryMap(5 * GIB);

        assertThat(map.ranges()).containsExactly(
                new GuestMemory.Range(0, 0xc000_0000L),
                new GuestMemory.Range(0x1_0000_0000L, 2 * GIB));
        assertThat(map.e820()).last().isEqualTo(new E820Entry(0x1_0000_0000L, 2 * GIB, E820Entry.RAM));
        assertThat(map.e820().get(2)).isEqualTo(new E820Entry(0x100000, 0xc000_0000L - 0x100000, E820Entry.RAM));
    }

    @Test
    void fixedAddressesDoNotOverlap() {
        assertThat(MemoryMap.GDT_START + 4 * 8).isLessThanOrEqualTo(MemoryMap.IDT_START);
        assertThat(MemoryMap.PVH_START_INFO + PvhStartInfo.START_INFO_SIZE).isLessThanOrEqualTo(MemoryMap.PVH_MODLIST);
        assertThat(MemoryMap.PVH_MODLIST + PvhStartInfo.MODLIST_ENTRY_SIZE).isLessThanOrEqualTo(MemoryMap.PVH_MEMMAP);
        assertThat(MemoryMap.ZERO_PAGE_START + ZeroPage.SIZE).isLessThanOrEqualTo(MemoryMap.BOOT_STACK_POINTER);
        assertThat(MemoryMap.PD_START + 4096).isLessThanOrEqualTo(MemoryMap.CMDLINE_START);
        assertThat(MemoryMap.CMDLINE_START + MemoryMap.CMDLINE_MAX_SIZE).isLessThanOrEqualTo(MemoryMap.MPTABLE_START);
        assertThat(MemoryMap.VIRTIO_MMIO_BASE).isBetween(MemoryMap.MMIO_GAP_START, MemoryMap.IOAPIC_BASE);
        assertThat(MemoryMap.LAPIC_BASE).isLessThan(MemoryMap.MMIO_GAP_END);
    }

    @Test
    void refusesSizesThatAreNotWholePagesOrTooSmall() {
        assertThatThrownBy(() -> new MemoryMap(64 * MIB + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("guest RAM size 0x4000001 is not a multiple of 4 KiB in (1 MiB, 1 TiB]");
        assertThatThrownBy(() -> new MemoryMap(MIB)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MemoryMap.ofMib(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MemoryMap(2 * MemoryMap.MAX_RAM_SIZE)).isInstanceOf(IllegalArgumentException.class);
    }
}
