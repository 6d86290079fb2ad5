package dev.panamax.vmm.boot;

import dev.panamax.memory.GuestMemory;

import java.nio.ByteBuffer;

/**
 * A bzImage (boot.rst): real-mode setup sectors, whose setup header is copied into boot_params,
 * then the protected-mode kernel, loaded at 1 MiB and entered at its 64-bit entry 0x200 bytes in.
 */
final class BzImageKernel implements KernelImage {
    /** Bytes needed to see both magic numbers: boot_flag at 0x1fe and "HdrS" at 0x202. */
    static final int MAGIC_END = ZeroPage.HEADER + Integer.BYTES;
    /** Protocol 2.12 added xloadflags and with it the 64-bit entry point. */
    private static final int MIN_VERSION = 0x020c;
    /** Up to and including the version field, to check it before anything else. */
    private static final int VERSION_END = ZeroPage.VERSION + Short.BYTES;
    /** The header must reach at least init_size, the last field read here. */
    private static final int MIN_HEADER_END = ZeroPage.INIT_SIZE + Integer.BYTES;
    /** The byte at 0x201 (the jump offset) gives the header's end relative to 0x202. */
    private static final int HEADER_LENGTH_BYTE = ZeroPage.JUMP + 1;
    private static final int SECTOR_SIZE = 512;
    /** setup_sects 0 means 4, for compatibility with ancient images. */
    private static final int DEFAULT_SETUP_SECTS = 4;
    /** The 64-bit entry is this far into the protected-mode kernel. */
    private static final long ENTRY_64_OFFSET = 0x200;

    private final ImageFile file;
    private final byte[] setupHeader;
    private final long payloadOffset;
    private final long payloadSize;
    private final GuestMemory.Range footprint;
    private final int maxCmdlineLength;
    private final long initrdLimit;

    private BzImageKernel(ImageFile file, byte[] setupHeader, long payloadOffset, long payloadSize, long end,
            int maxCmdlineLength, long initrdLimit) {
        this.file = file;
        this.setupHeader = setupHeader;
        this.payloadOffset = payloadOffset;
        this.payloadSize = payloadSize;
        this.footprint = new GuestMemory.Range(MemoryMap.HIMEM_START, end - MemoryMap.HIMEM_START);
        this.maxCmdlineLength = maxCmdlineLength;
        this.initrdLimit = initrdLimit;
    }

    static BzImageKernel parse(ImageFile file, MemoryMap map) {
        ByteBuffer head = file.read(0, VERSION_END, "setup header");
        int version = Short.toUnsignedInt(head.getShort(ZeroPage.VERSION));
        if (version < MIN_VERSION) {
            throw file.error("bzImage boot protocol " + String.format("%d.%02d", version >> 8, version & 0xff)
                    + " is older than 2.12, the first with a 64-bit entry point");
        }
        int headerEnd = ZeroPage.HEADER + Byte.toUnsignedInt(head.get(HEADER_LENGTH_BYTE));
        if (headerEnd < MIN_HEADER_END || headerEnd > ZeroPage.SETUP_HEADER_LIMIT) {
            throw file.error("malformed bzImage: setup header ends at 0x" + Integer.toHexString(headerEnd)
                    + ", outside [0x" + Integer.toHexString(MIN_HEADER_END) + ", 0x"
                    + Integer.toHexString(ZeroPage.SETUP_HEADER_LIMIT) + "]");
        }
        ByteBuffer hdr = file.read(0, headerEnd, "setup header");
        if ((hdr.get(ZeroPage.LOADFLAGS) & ZeroPage.LOADED_HIGH) == 0) {
            throw file.error("loads below 1 MiB (LOADED_HIGH clear): a zImage, not a bzImage");
        }
        int xloadflags = Short.toUnsignedInt(hdr.getShort(ZeroPage.XLOADFLAGS));
        if ((xloadflags & ZeroPage.XLF_KERNEL_64) == 0) {
            throw file.error("bzImage has no 64-bit entry point (XLF_KERNEL_64 clear in xloadflags)");
        }
        int setupSects = Byte.toUnsignedInt(hdr.get(ZeroPage.SETUP_SECTS));
        long setupSize = (long) ((setupSects == 0 ? DEFAULT_SETUP_SECTS : setupSects) + 1) * SECTOR_SIZE;
        if (file.size() <= setupSize) {
            throw file.error("truncated: no protected-mode kernel after the " + setupSize + " bytes of setup code");
        }
        long payloadSize = file.size() - setupSize;
        if (!map.inKernelArea(MemoryMap.HIMEM_START, payloadSize)) {
            throw file.error("protected-mode kernel of " + payloadSize + " bytes does not fit in guest RAM [0x"
                    + Long.toHexString(MemoryMap.HIMEM_START) + ", 0x" + Long.toHexString(map.lowRamEnd()) + ")");
        }
        long end = Math.max(MemoryMap.HIMEM_START + payloadSize, decompressionEnd(file, map, hdr));

        long cmdlineSize = Integer.toUnsignedLong(hdr.getInt(ZeroPage.CMDLINE_SIZE));
        int maxCmdline = (int) Math.min(cmdlineSize, MemoryMap.CMDLINE_MAX_SIZE - 1);
        // initrd_addr_max is the highest byte the initrd may use; a 64-bit kernel that can take
        // its initrd above 4 GiB lifts it.
        long initrdLimit = (xloadflags & ZeroPage.XLF_CAN_BE_LOADED_ABOVE_4G) != 0
                ? Long.MAX_VALUE
                : Integer.toUnsignedLong(hdr.getInt(ZeroPage.INITRD_ADDR_MAX)) + 1;
        byte[] setupHeader = new byte[headerEnd - ZeroPage.SETUP_HEADER];
        hdr.get(ZeroPage.SETUP_HEADER, setupHeader);
        return new BzImageKernel(file, setupHeader, setupSize, payloadSize, end, maxCmdline, initrdLimit);
    }

    /**
     * End of the memory the decompressor works in: init_size bytes from the runtime start, which
     * boot.rst defines as pref_address for a fixed kernel and the load address aligned up to
     * kernel_alignment for a relocatable one (the decompressor never goes below pref_address).
     */
    private static long decompressionEnd(ImageFile file, MemoryMap map, ByteBuffer hdr) {
        long alignment = Integer.toUnsignedLong(hdr.getInt(ZeroPage.KERNEL_ALIGNMENT));
        long preferred = hdr.getLong(ZeroPage.PREF_ADDRESS);
        long initSize = Integer.toUnsignedLong(hdr.getInt(ZeroPage.INIT_SIZE));
        long start;
        if (hdr.get(ZeroPage.RELOCATABLE_KERNEL) != 0) {
            if (Long.bitCount(alignment) != 1) {
                throw file.error("malformed bzImage: kernel_alignment 0x" + Long.toHexString(alignment)
                        + " is not a power of two");
            }
            long aligned = (MemoryMap.HIMEM_START + alignment - 1) & -alignment;
            start = Long.compareUnsigned(preferred, aligned) > 0 ? preferred : aligned;
        } else {
            start = preferred == 0 ? MemoryMap.HIMEM_START : preferred;
        }
        if (!map.inKernelArea(start, initSize)) {
            throw file.error("needs guest RAM [0x" + Long.toHexString(start) + ", +0x" + Long.toHexString(initSize)
                    + ") to decompress (pref_address, init_size) but low RAM ends at 0x"
                    + Long.toHexString(map.lowRamEnd()));
        }
        return start + initSize;
    }

    @Override
    public ImageFile file() {
        return file;
    }

    @Override
    public GuestMemory.Range footprint() {
        return footprint;
    }

    @Override
    public long entry64() {
        return MemoryMap.HIMEM_START + ENTRY_64_OFFSET;
    }

    @Override
    public long pvhEntry() {
        throw file.error("is a bzImage; PVH boot needs an ELF vmlinux with a Xen PHYS32_ENTRY note");
    }

    @Override
    public int maxCmdlineLength() {
        return maxCmdlineLength;
    }

    @Override
    public long initrdLimit() {
        return initrdLimit;
    }

    /** boot.rst: copy the setup header from 0x1f1 to 0x202 + the byte at 0x201 into boot_params. */
    @Override
    public void writeSetupHeader(ByteBuffer zeroPage, int cmdlineSizeWithNul) {
        zeroPage.put(ZeroPage.SETUP_HEADER, setupHeader);
    }

    @Override
    public void loadInto(GuestMemory mem) {
        file.copyTo(mem, MemoryMap.HIMEM_START, payloadOffset, payloadSize);
    }
}
