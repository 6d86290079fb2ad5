package dev.panamax.vmm.boot;

import dev.panamax.memory.GuestMemory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;

/**
 * Xen's struct hvm_start_info, version 1 (public/arch-x86/hvm/start_info.h), with its module
 * list (the initrd) and memory map, at the addresses MemoryMap reserves for them. Every field is
 * little-endian; a 0 address means "absent".
 */
final class PvhStartInfo {
    /** "xEn3" with the 0x80 bit of the 'E' set. */
    static final int MAGIC = 0x336e_c578;
    /** Version 1 added the memory map. */
    static final int VERSION = 1;
    static final int START_INFO_SIZE = 56;
    static final int MODLIST_ENTRY_SIZE = 32;
    static final int MEMMAP_ENTRY_SIZE = 24;

    private PvhStartInfo() {}

    static void write(GuestMemory mem, List<E820Entry> memmap, Optional<GuestMemory.Range> initrd) {
        if (MemoryMap.PVH_MEMMAP + (long) memmap.size() * MEMMAP_ENTRY_SIZE > MemoryMap.ZERO_PAGE_START) {
            throw new IllegalStateException("PVH memory map of " + memmap.size() + " entries overruns its space");
        }
        ByteBuffer map = ByteBuffer.allocate(memmap.size() * MEMMAP_ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (E820Entry e : memmap) {
            map.putLong(e.address()).putLong(e.size()).putInt(e.type()).putInt(0);
        }
        mem.write(MemoryMap.PVH_MEMMAP, map.array());

        initrd.ifPresent(r -> mem.write(MemoryMap.PVH_MODLIST, ByteBuffer.allocate(MODLIST_ENTRY_SIZE)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(r.guestAddress()).putLong(r.size()).putLong(0).putLong(0)
                .array()));

        mem.write(MemoryMap.PVH_START_INFO, ByteBuffer.allocate(START_INFO_SIZE).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(MAGIC)
                .putInt(VERSION)
                .putInt(0) // flags
                .putInt(initrd.isPresent() ? 1 : 0)
                .putLong(initrd.isPresent() ? MemoryMap.PVH_MODLIST : 0)
                .putLong(MemoryMap.CMDLINE_START)
                .putLong(0) // no ACPI RSDP: Linux falls back to the MP table
                .putLong(MemoryMap.PVH_MEMMAP)
                .putInt(memmap.size())
                .putInt(0)
                .array());
    }
}
