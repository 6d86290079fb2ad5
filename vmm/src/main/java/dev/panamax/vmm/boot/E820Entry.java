package dev.panamax.vmm.boot;

/**
 * One entry of the BIOS e820 memory map the guest kernel reads (boot_params.e820_table, and the
 * same values in PVH's hvm_memmap_table): {@code size} bytes at guest-physical {@code address}.
 */
public record E820Entry(long address, long size, int type) {
    /** Usable RAM. */
    public static final int RAM = 1;
    /** Present but not for the kernel's allocator (firmware tables, legacy hole). */
    public static final int RESERVED = 2;

    public E820Entry {
        if (address < 0 || size <= 0 || address + size < address) {
            throw new IllegalArgumentException("e820 entry [0x" + Long.toHexString(address) + ", +0x"
                    + Long.toHexString(size) + ") is empty or wraps");
        }
    }

    /** First address past the entry. */
    public long end() {
        return address + size;
    }
}
