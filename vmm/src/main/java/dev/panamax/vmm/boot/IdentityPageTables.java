package dev.panamax.vmm.boot;

import dev.panamax.memory.GuestMemory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Page tables identity-mapping the first GiB with 2 MiB pages, for entering the kernel in long
 * mode: one PML4 entry to one PDPT entry to a PD of 512 large pages. That covers what boot.rst
 * requires to be mapped at the 64-bit entry (kernel, zero page, command line); the kernel builds
 * its own tables for the rest.
 */
final class IdentityPageTables {
    static final long PRESENT = 1;
    static final long WRITABLE = 1 << 1;
    /** PS: in a PD entry, maps a 2 MiB page rather than pointing at a page table. */
    static final long LARGE_PAGE = 1 << 7;
    static final long LARGE_PAGE_SIZE = 2L << 20;
    static final int ENTRIES = 512;
    private static final int TABLE_SIZE = 4096;
    /** Bytes mapped from guest-physical 0. */
    static final long MAPPED_BYTES = ENTRIES * LARGE_PAGE_SIZE;

    private IdentityPageTables() {}

    /** Writes PML4, PDPT and PD (whole pages, so stale entries cannot survive); CR3 = PML4_START. */
    static void write(GuestMemory mem) {
        mem.write(MemoryMap.PML4_START, table(MemoryMap.PDPT_START | PRESENT | WRITABLE));
        mem.write(MemoryMap.PDPT_START, table(MemoryMap.PD_START | PRESENT | WRITABLE));
        ByteBuffer pd = ByteBuffer.allocate(TABLE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < ENTRIES; i++) {
            pd.putLong(i * LARGE_PAGE_SIZE | PRESENT | WRITABLE | LARGE_PAGE);
        }
        mem.write(MemoryMap.PD_START, pd.array());
    }

    private static byte[] table(long firstEntry) {
        return ByteBuffer.allocate(TABLE_SIZE).order(ByteOrder.LITTLE_ENDIAN).putLong(0, firstEntry).array();
    }
}
