package dev.panamax.vmm.boot;

import dev.panamax.memory.GuestMemory;

import java.nio.ByteBuffer;

/**
 * A parsed and validated kernel, not yet in guest memory. Parsing checks everything the file
 * says against the memory map, so {@link #loadInto} only copies.
 */
sealed interface KernelImage permits ElfKernel, BzImageKernel {
    /** ELF identification: 0x7f 'E' 'L' 'F' at offset 0. */
    int ELF_MAGIC = 0x464c_457f;

    /** Detects the format by its magic numbers and parses it. */
    static KernelImage parse(ImageFile file, MemoryMap map) {
        if (file.size() == 0) {
            throw file.error("is empty");
        }
        if (file.size() >= Integer.BYTES && file.read(0, Integer.BYTES, "ELF magic").getInt(0) == ELF_MAGIC) {
            return ElfKernel.parse(file, map);
        }
        if (file.size() >= BzImageKernel.MAGIC_END) {
            ByteBuffer head = file.read(0, BzImageKernel.MAGIC_END, "boot sector");
            if (head.getShort(ZeroPage.BOOT_FLAG) == ZeroPage.BOOT_FLAG_MAGIC
                    && head.getInt(ZeroPage.HEADER) == ZeroPage.HEADER_MAGIC) {
                return BzImageKernel.parse(file, map);
            }
        }
        throw file.error("not an ELF64 x86-64 executable or bzImage");
    }

    /** The guest-physical span the kernel needs while it boots (its image, bss, decompression room). */
    GuestMemory.Range footprint();

    /** Where the Linux 64-bit boot protocol enters. */
    long entry64();

    /** The PVH 32-bit entry; a BootException when the image has none. */
    long pvhEntry();

    /** The longest command line the kernel takes, in bytes, without the NUL. */
    int maxCmdlineLength();

    /** The initrd must end at or below this address (exclusive); Long.MAX_VALUE if only RAM limits it. */
    long initrdLimit();

    /** Fills boot_params.hdr: the image's own setup header, or one synthesized for an ELF. */
    void writeSetupHeader(ByteBuffer zeroPage, int cmdlineSizeWithNul);

    /** Copies the kernel into guest memory and zeroes its bss. */
    void loadInto(GuestMemory mem);

    /** The file this came from, for messages. */
    ImageFile file();
}
