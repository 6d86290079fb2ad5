package dev.panamax.vmm.boot;

import dev.panamax.memory.GuestMemory;

import java.util.ArrayList;
import java.util.List;

/**
 * The x86_64 guest-physical layout for {@code ramSize} bytes of RAM: where RAM lies, where the
 * boot structures go, and the e820 map that tells the guest. RAM fills [0, 3 GiB) and continues
 * at 4 GiB; the gap between is MMIO (virtio-mmio windows, IOAPIC, LAPIC).
 *
 * <pre>
 * 0x0000_0500  GDT (4 entries)            0x0000_0520  IDT (empty)
 * 0x0000_6000  PVH hvm_start_info         0x0000_6040  PVH module list (initrd)
 * 0x0000_6100  PVH memory map             0x0000_7000  boot_params (zero page)
 * 0x0000_8ff0  initial stack pointer      0x0000_9000  PML4, 0xa000 PDPT, 0xb000 PD
 * 0x0002_0000  kernel command line (4 KiB)
 * 0x0009_fc00  MP table (1 KiB)           [0x9_fc00, 0x10_0000) e820 reserved: MP table/EBDA, legacy hole
 * 0x0010_0000  kernel (bzImage protected-mode code; ELF at its p_paddr, above this)
 * ...          initrd at the top of low RAM, page aligned
 * 0xc000_0000  MMIO gap: the boot timer's 4 KiB (when enabled) at its start, virtio-mmio
 *              4 KiB windows from 0xd000_0000, IOAPIC 0xfec0_0000, LAPIC 0xfee0_0000
 * 0x1_0000_0000  RAM beyond the first 3 GiB
 * </pre>
 */
public record MemoryMap(long ramSize) {
    public static final long PAGE_SIZE = GuestMemory.PAGE_SIZE;

    /** Boot GDT; the IDT follows 32 bytes later, so the GDT holds at most 4 descriptors. */
    public static final long GDT_START = 0x500;
    public static final long IDT_START = 0x520;
    /** PVH hvm_start_info (56 bytes); the page is free in the Linux 64-bit layout too. */
    public static final long PVH_START_INFO = 0x6000;
    /** PVH hvm_modlist_entry array (32 bytes each; one for the initrd). */
    public static final long PVH_MODLIST = 0x6040;
    /** PVH hvm_memmap_table_entry array (24 bytes each), up to the zero page. */
    public static final long PVH_MEMMAP = 0x6100;
    /** boot_params, the "zero page" of the Linux boot protocol: one 4 KiB page. */
    public static final long ZERO_PAGE_START = 0x7000;
    /** Initial RSP/RBP, as Firecracker uses: just below the page tables. */
    public static final long BOOT_STACK_POINTER = 0x8ff0;
    /** Identity page tables for the 64-bit entry: one page each. */
    public static final long PML4_START = 0x9000;
    public static final long PDPT_START = 0xa000;
    public static final long PD_START = 0xb000;
    /** Kernel command line, NUL-terminated. */
    public static final long CMDLINE_START = 0x20000;
    /** Room for the command line including its NUL (x86 COMMAND_LINE_SIZE is 2048; newer kernels may take more). */
    public static final int CMDLINE_MAX_SIZE = 4096;
    /** MP floating pointer + configuration table: the last KiB of the 640 KiB base memory, where Linux scans. */
    public static final long MPTABLE_START = 0x9fc00;
    /** EBDA end / start of the legacy VGA and BIOS hole; nothing of ours lives in [MPTABLE_START, HIMEM_START). */
    public static final long LEGACY_HOLE_START = 0xa0000;
    /** First byte above the legacy hole: the bzImage load address and the floor for ELF segments. */
    public static final long HIMEM_START = 0x100000;
    public static final long MMIO_GAP_START = 0xc000_0000L;
    public static final long MMIO_GAP_END = 0x1_0000_0000L;
    /**
     * Firecracker's boot-timer device: the first page of the MMIO gap, where Firecracker's own
     * 32-bit MMIO area begins, so guests' {@code devmem 0xc0000000 8 123} works unchanged. It is
     * never RAM: RAM past 3 GiB continues at {@link #HIGH_RAM_START} whatever the guest's size.
     */
    public static final long BOOT_TIMER_START = MMIO_GAP_START;
    public static final long BOOT_TIMER_SIZE = 0x1000;
    /** First virtio-mmio device window; each device gets the next VIRTIO_MMIO_SIZE bytes. */
    public static final long VIRTIO_MMIO_BASE = 0xd000_0000L;
    public static final long VIRTIO_MMIO_SIZE = 0x1000;
    public static final long IOAPIC_BASE = 0xfec0_0000L;
    public static final long LAPIC_BASE = 0xfee0_0000L;
    /** RAM beyond the first MMIO_GAP_START bytes continues here. */
    public static final long HIGH_RAM_START = MMIO_GAP_END;
    /** Largest RAM size laid out: 1 TiB, as VmConfig allows. */
    public static final long MAX_RAM_SIZE = 1L << 40;

    public MemoryMap {
        if (ramSize <= HIMEM_START || ramSize > MAX_RAM_SIZE || ramSize % PAGE_SIZE != 0) {
            throw new IllegalArgumentException("guest RAM size 0x" + Long.toHexString(ramSize)
                    + " is not a multiple of 4 KiB in (1 MiB, 1 TiB]");
        }
    }

    /** The map for {@code mib} MiB of RAM, e.g. from machine-config.mem_size_mib. */
    public static MemoryMap ofMib(long mib) {
        if (mib <= 0 || mib > MAX_RAM_SIZE >> 20) {
            throw new IllegalArgumentException("guest RAM size " + mib + " MiB is not in (1, " + (MAX_RAM_SIZE >> 20) + "]");
        }
        return new MemoryMap(mib << 20);
    }

    /** End of RAM below the MMIO gap. */
    public long lowRamEnd() {
        return Math.min(ramSize, MMIO_GAP_START);
    }

    /** Bytes of RAM at and above HIGH_RAM_START; 0 when all RAM fits below the gap. */
    public long highRamSize() {
        return ramSize - lowRamEnd();
    }

    /** The guest RAM regions to map, ascending: {@code GuestMemory.anonymous(map.ranges())}. */
    public List<GuestMemory.Range> ranges() {
        List<GuestMemory.Range> ranges = new ArrayList<>(2);
        ranges.add(new GuestMemory.Range(0, lowRamEnd()));
        if (highRamSize() > 0) {
            ranges.add(new GuestMemory.Range(HIGH_RAM_START, highRamSize()));
        }
        return List.copyOf(ranges);
    }

    /**
     * The e820 map, ascending: RAM below the MP table, the reserved MP table/EBDA/legacy hole, RAM
     * from 1 MiB to the gap, RAM above 4 GiB if any. The MMIO gap is simply absent, which Linux
     * takes as not-RAM. PVH's hvm_memmap_table carries the same entries.
     */
    public List<E820Entry> e820() {
        List<E820Entry> entries = new ArrayList<>(4);
        entries.add(new E820Entry(0, MPTABLE_START, E820Entry.RAM));
        entries.add(new E820Entry(MPTABLE_START, HIMEM_START - MPTABLE_START, E820Entry.RESERVED));
        entries.add(new E820Entry(HIMEM_START, lowRamEnd() - HIMEM_START, E820Entry.RAM));
        if (highRamSize() > 0) {
            entries.add(new E820Entry(HIGH_RAM_START, highRamSize(), E820Entry.RAM));
        }
        return List.copyOf(entries);
    }

    /** Whether {@code [address, address + length)} lies in low RAM at or above HIMEM_START, where kernels go. */
    boolean inKernelArea(long address, long length) {
        return address >= HIMEM_START && length >= 0 && address <= lowRamEnd() && length <= lowRamEnd() - address;
    }

    /** Refuses a GuestMemory that does not back every range of this map: a caller bug, not bad input. */
    void requireBackedBy(GuestMemory mem) {
        for (GuestMemory.Range r : ranges()) {
            if (!mem.contains(r.guestAddress(), r.size())) {
                throw new IllegalArgumentException("guest memory does not back [0x" + Long.toHexString(r.guestAddress())
                        + ", +0x" + Long.toHexString(r.size()) + ") of the memory map; build it from MemoryMap.ranges()");
            }
        }
    }
}
