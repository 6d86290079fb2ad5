package dev.panamax.vmm.boot;

import dev.panamax.memory.GuestMemory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;

/**
 * struct boot_params, the Linux "zero page", for the 64-bit boot protocol. Offsets are from
 * Documentation/arch/x86/zero-page.rst and boot.rst; the setup header lives at 0x1f1 both in the
 * zero page and in a bzImage file.
 */
final class ZeroPage {
    static final int SIZE = 4096;

    static final int E820_ENTRIES = 0x1e8;
    static final int SETUP_HEADER = 0x1f1;
    static final int SETUP_SECTS = 0x1f1;
    static final int BOOT_FLAG = 0x1fe;
    static final int JUMP = 0x200;
    static final int HEADER = 0x202;
    static final int VERSION = 0x206;
    static final int TYPE_OF_LOADER = 0x210;
    static final int LOADFLAGS = 0x211;
    static final int RAMDISK_IMAGE = 0x218;
    static final int RAMDISK_SIZE = 0x21c;
    static final int HEAP_END_PTR = 0x224;
    static final int CMD_LINE_PTR = 0x228;
    static final int INITRD_ADDR_MAX = 0x22c;
    static final int KERNEL_ALIGNMENT = 0x230;
    static final int RELOCATABLE_KERNEL = 0x234;
    static final int XLOADFLAGS = 0x236;
    static final int CMDLINE_SIZE = 0x238;
    static final int PREF_ADDRESS = 0x258;
    static final int INIT_SIZE = 0x260;
    /** The setup header can reach no further: edd_mbr_sig_buffer starts here. */
    static final int SETUP_HEADER_LIMIT = 0x290;
    static final int E820_TABLE = 0x2d0;
    /** struct boot_e820_entry: u64 addr, u64 size, u32 type, packed. */
    static final int E820_ENTRY_SIZE = 20;
    /** 0xa00 bytes of table. */
    static final int E820_MAX_ENTRIES = 128;

    static final short BOOT_FLAG_MAGIC = (short) 0xaa55;
    /** "HdrS". */
    static final int HEADER_MAGIC = 0x5372_6448;
    /** Boot loader id: 0xff = undefined, for loaders without an assigned id. */
    static final byte LOADER_UNDEFINED = (byte) 0xff;
    static final int LOADED_HIGH = 0x01;
    static final int CAN_USE_HEAP = 0x80;
    static final int XLF_KERNEL_64 = 0x01;
    static final int XLF_CAN_BE_LOADED_ABOVE_4G = 0x02;
    /**
     * End of the real-mode setup heap as boot.rst's sample loader sets it (offset in the setup
     * segment); heap_end_ptr is that minus 0x200. Only real-mode setup code reads it.
     */
    static final int HEAP_END = 0xe000;
    static final int HEAP_END_PTR_BIAS = 0x200;

    private ZeroPage() {}

    /** The 4 KiB zero page for {@code kernel}: setup header, loader fields, command line, initrd, e820. */
    static byte[] build(KernelImage kernel, List<E820Entry> e820, int cmdlineSizeWithNul,
            Optional<GuestMemory.Range> initrd) {
        if (e820.size() > E820_MAX_ENTRIES) {
            throw new IllegalStateException("e820 map has " + e820.size() + " entries; boot_params holds " + E820_MAX_ENTRIES);
        }
        ByteBuffer zp = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        kernel.writeSetupHeader(zp, cmdlineSizeWithNul);
        zp.put(TYPE_OF_LOADER, LOADER_UNDEFINED);
        zp.put(LOADFLAGS, (byte) (zp.get(LOADFLAGS) | LOADED_HIGH | CAN_USE_HEAP));
        zp.putShort(HEAP_END_PTR, (short) (HEAP_END - HEAP_END_PTR_BIAS));
        zp.putInt(CMD_LINE_PTR, (int) MemoryMap.CMDLINE_START);
        initrd.ifPresent(r -> {
            zp.putInt(RAMDISK_IMAGE, (int) r.guestAddress());
            zp.putInt(RAMDISK_SIZE, (int) r.size());
        });
        zp.put(E820_ENTRIES, (byte) e820.size());
        for (int i = 0; i < e820.size(); i++) {
            E820Entry e = e820.get(i);
            int at = E820_TABLE + i * E820_ENTRY_SIZE;
            zp.putLong(at, e.address());
            zp.putLong(at + 8, e.size());
            zp.putInt(at + 16, e.type());
        }
        return zp.array();
    }
}
