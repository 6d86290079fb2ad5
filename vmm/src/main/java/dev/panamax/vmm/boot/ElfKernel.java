package dev.panamax.vmm.boot;

import dev.panamax.memory.GuestMemory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * An uncompressed ELF64 x86-64 vmlinux: PT_LOAD segments go to their physical addresses, and a
 * Xen PHYS32_ENTRY note, when present, gives the PVH entry point.
 */
final class ElfKernel implements KernelImage {
    // ELF64 header (System V gABI): field offsets and the values an x86-64 vmlinux has.
    private static final int EHDR_SIZE = 64;
    private static final int EI_CLASS = 4;
    private static final int EI_DATA = 5;
    private static final int ELFCLASS32 = 1;
    private static final int ELFCLASS64 = 2;
    private static final int ELFDATA2LSB = 1;
    private static final int E_TYPE = 0x10;
    private static final int E_MACHINE = 0x12;
    private static final int E_ENTRY = 0x18;
    private static final int E_PHOFF = 0x20;
    private static final int E_PHENTSIZE = 0x36;
    private static final int E_PHNUM = 0x38;
    private static final int ET_EXEC = 2;
    private static final int EM_X86_64 = 62;
    /** e_phnum value meaning "too many to count here"; vmlinux never needs it. */
    private static final int PN_XNUM = 0xffff;

    // ELF64 program header.
    private static final int PHDR_SIZE = 56;
    private static final int P_TYPE = 0;
    private static final int P_OFFSET = 8;
    private static final int P_VADDR = 16;
    private static final int P_PADDR = 24;
    private static final int P_FILESZ = 32;
    private static final int P_MEMSZ = 40;
    private static final int P_ALIGN = 48;
    private static final int PT_LOAD = 1;
    private static final int PT_NOTE = 4;

    // ELF note: u32 namesz, descsz, type; then name and desc, each padded to the note alignment.
    private static final int NOTE_HEADER_SIZE = 12;
    private static final int NOTE_ALIGN = 4;
    private static final int NOTE_ALIGN_WIDE = 8;
    /** Xen's public/elfnote.h: the 32-bit physical PVH entry point. */
    private static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;
    private static final byte[] XEN_NOTE_NAME = "Xen\0".getBytes(StandardCharsets.US_ASCII);
    /** Kernels' note segments are a few hundred bytes; a bigger one is read only this far. */
    private static final int MAX_NOTE_BYTES = 1 << 20;

    /**
     * kernel_alignment for a synthesized setup header: 16 MiB, as Firecracker writes (must be
     * non-zero; the kernel only uses it to relocate).
     */
    private static final int SYNTHESIZED_KERNEL_ALIGNMENT = 0x0100_0000;

    /** One PT_LOAD segment, validated: file bytes inside the file, memory inside kernel RAM. */
    private record LoadSegment(long fileOffset, long fileSize, long paddr, long vaddr, long memSize) {
        /** Whether {@code address} falls in [base, base + memSize), with unsigned wrap-around handled. */
        boolean covers(long base, long address) {
            return Long.compareUnsigned(address - base, memSize) < 0;
        }
    }

    private final ImageFile file;
    private final List<LoadSegment> segments;
    private final long entry;
    private final OptionalLong pvhEntry;
    private final GuestMemory.Range footprint;

    private ElfKernel(ImageFile file, List<LoadSegment> segments, long entry, OptionalLong pvhEntry) {
        this.file = file;
        this.segments = segments;
        this.entry = entry;
        this.pvhEntry = pvhEntry;
        long start = segments.stream().mapToLong(LoadSegment::paddr).min().orElseThrow();
        long end = segments.stream().mapToLong(s -> s.paddr() + s.memSize()).max().orElseThrow();
        this.footprint = new GuestMemory.Range(start, end - start);
    }

    static ElfKernel parse(ImageFile file, MemoryMap map) {
        ByteBuffer eh = file.read(0, EHDR_SIZE, "ELF header");
        int elfClass = eh.get(EI_CLASS);
        if (elfClass == ELFCLASS32) {
            throw file.error("32-bit ELF (ELFCLASS32); Panamax boots an ELF64 x86-64 vmlinux or a bzImage");
        }
        if (elfClass != ELFCLASS64) {
            throw file.error("not an ELF64 x86-64 executable or bzImage (ELF class " + elfClass + ")");
        }
        if (eh.get(EI_DATA) != ELFDATA2LSB) {
            throw file.error("big-endian ELF; an x86-64 vmlinux is little-endian");
        }
        int machine = Short.toUnsignedInt(eh.getShort(E_MACHINE));
        if (machine != EM_X86_64) {
            throw file.error("ELF for machine " + machine + ", not x86-64 (" + EM_X86_64 + ")");
        }
        int type = Short.toUnsignedInt(eh.getShort(E_TYPE));
        if (type != ET_EXEC) {
            throw file.error("ELF type " + type + " is not an executable (ET_EXEC); a vmlinux is one");
        }
        int phentsize = Short.toUnsignedInt(eh.getShort(E_PHENTSIZE));
        int phnum = Short.toUnsignedInt(eh.getShort(E_PHNUM));
        if (phnum == 0 || phnum == PN_XNUM) {
            throw file.error("malformed ELF: e_phnum " + phnum + " (no usable program headers)");
        }
        if (phentsize != PHDR_SIZE) {
            throw file.error("malformed ELF: program header size " + phentsize + ", expected " + PHDR_SIZE);
        }
        long phoff = eh.getLong(E_PHOFF);
        ByteBuffer ph = file.read(phoff, phnum * PHDR_SIZE, "program headers (" + phnum + ")");

        List<LoadSegment> loads = new ArrayList<>();
        OptionalLong pvh = OptionalLong.empty();
        for (int i = 0; i < phnum; i++) {
            int at = i * PHDR_SIZE;
            long offset = ph.getLong(at + P_OFFSET);
            long fileSize = ph.getLong(at + P_FILESZ);
            switch (ph.getInt(at + P_TYPE)) {
                case PT_LOAD -> {
                    LoadSegment s = loadSegment(file, map, i, offset, fileSize, ph.getLong(at + P_PADDR),
                            ph.getLong(at + P_VADDR), ph.getLong(at + P_MEMSZ));
                    if (s != null) {
                        loads.add(s);
                    }
                }
                case PT_NOTE -> {
                    OptionalLong found = xenPvhEntry(file, i, offset, fileSize, ph.getLong(at + P_ALIGN));
                    if (found.isPresent()) {
                        pvh = found;
                    }
                }
                default -> { }
            }
        }
        if (loads.isEmpty()) {
            throw file.error("ELF has no loadable (PT_LOAD) segments");
        }
        List<LoadSegment> segments = List.copyOf(loads);
        long entry = physical(eh.getLong(E_ENTRY), segments)
                .orElseThrow(() -> file.error("entry point 0x" + Long.toHexString(eh.getLong(E_ENTRY))
                        + " is outside every loadable segment"));
        return new ElfKernel(file, segments, entry, pvh);
    }

    private static LoadSegment loadSegment(ImageFile file, MemoryMap map, int index, long offset, long fileSize,
            long paddr, long vaddr, long memSize) {
        String name = "segment " + index;
        if (Long.compareUnsigned(fileSize, memSize) > 0) {
            throw file.error("malformed ELF: " + name + " has p_filesz 0x" + Long.toHexString(fileSize)
                    + " > p_memsz 0x" + Long.toHexString(memSize));
        }
        if (memSize == 0) {
            return null;
        }
        if (Long.compareUnsigned(offset, file.size()) > 0 || Long.compareUnsigned(fileSize, file.size() - offset) > 0) {
            throw file.error("truncated: " + name + " needs file bytes [0x" + Long.toHexString(offset) + ", +0x"
                    + Long.toHexString(fileSize) + ") but the file is " + file.size() + " bytes");
        }
        if (!map.inKernelArea(paddr, memSize)) {
            throw file.error(name + " at [0x" + Long.toHexString(paddr) + ", +0x" + Long.toHexString(memSize)
                    + ") is outside the guest RAM a kernel may use, [0x" + Long.toHexString(MemoryMap.HIMEM_START)
                    + ", 0x" + Long.toHexString(map.lowRamEnd()) + ")");
        }
        return new LoadSegment(offset, fileSize, paddr, vaddr, memSize);
    }

    /**
     * The physical address for an ELF address: as is when a segment's physical range holds it
     * (vmlinux links e_entry physical), else translated through the segment whose virtual range does.
     */
    private static OptionalLong physical(long address, List<LoadSegment> segments) {
        for (LoadSegment s : segments) {
            if (s.covers(s.paddr(), address)) {
                return OptionalLong.of(address);
            }
        }
        for (LoadSegment s : segments) {
            if (s.covers(s.vaddr(), address)) {
                return OptionalLong.of(s.paddr() + (address - s.vaddr()));
            }
        }
        return OptionalLong.empty();
    }

    /** Scans one PT_NOTE segment for Xen's PHYS32_ENTRY note. */
    private static OptionalLong xenPvhEntry(ImageFile file, int index, long offset, long fileSize, long align) {
        int length = Long.compareUnsigned(fileSize, MAX_NOTE_BYTES) > 0 ? MAX_NOTE_BYTES : (int) fileSize;
        ByteBuffer notes = file.read(offset, length, "note segment " + index);
        // gABI: note entries are aligned as the segment is, 4 or 8; Linux uses 4.
        int noteAlign = align == NOTE_ALIGN_WIDE ? NOTE_ALIGN_WIDE : NOTE_ALIGN;
        long pos = 0;
        while (pos + NOTE_HEADER_SIZE <= length) {
            long nameSize = Integer.toUnsignedLong(notes.getInt((int) pos));
            long descSize = Integer.toUnsignedLong(notes.getInt((int) pos + 4));
            int type = notes.getInt((int) pos + 8);
            long nameAt = pos + NOTE_HEADER_SIZE;
            long descAt = nameAt + alignUp(nameSize, noteAlign);
            long next = descAt + alignUp(descSize, noteAlign);
            if (descAt + descSize > length) {
                break; // a truncated or garbled tail: no further note can be trusted
            }
            if (type == XEN_ELFNOTE_PHYS32_ENTRY && nameSize == XEN_NOTE_NAME.length
                    && Arrays.equals(bytes(notes, (int) nameAt, XEN_NOTE_NAME.length), XEN_NOTE_NAME)) {
                return OptionalLong.of(pvhEntryValue(file, notes, (int) descAt, descSize));
            }
            pos = next;
        }
        return OptionalLong.empty();
    }

    /** The note holds a 32-bit address; Linux stores it pointer-sized, so 8 bytes on x86-64. */
    private static long pvhEntryValue(ImageFile file, ByteBuffer notes, int at, long size) {
        if (size == Integer.BYTES) {
            return Integer.toUnsignedLong(notes.getInt(at));
        }
        if (size == Long.BYTES) {
            long value = notes.getLong(at);
            if (value >>> Integer.SIZE == 0) {
                return value;
            }
            throw file.error("Xen PHYS32_ENTRY note holds 0x" + Long.toHexString(value) + ", not a 32-bit address");
        }
        throw file.error("malformed Xen PHYS32_ENTRY note: " + size + " bytes, expected 4 or 8");
    }

    private static byte[] bytes(ByteBuffer buffer, int at, int length) {
        byte[] out = new byte[length];
        buffer.get(at, out);
        return out;
    }

    private static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
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
        return entry;
    }

    @Override
    public long pvhEntry() {
        long pvh = pvhEntry.orElseThrow(() -> file.error(
                "no Xen PHYS32_ENTRY ELF note, so it cannot boot with PVH (build the kernel with CONFIG_PVH=y)"));
        if (physical(pvh, segments).orElse(-1) != pvh) {
            throw file.error("PVH entry point 0x" + Long.toHexString(pvh) + " is outside every loadable segment");
        }
        return pvh;
    }

    @Override
    public int maxCmdlineLength() {
        return MemoryMap.CMDLINE_MAX_SIZE - 1;
    }

    @Override
    public long initrdLimit() {
        return Long.MAX_VALUE;
    }

    /** An ELF has no setup header; write the fields the kernel checks, as Firecracker does. */
    @Override
    public void writeSetupHeader(ByteBuffer zeroPage, int cmdlineSizeWithNul) {
        zeroPage.putShort(ZeroPage.BOOT_FLAG, ZeroPage.BOOT_FLAG_MAGIC);
        zeroPage.putInt(ZeroPage.HEADER, ZeroPage.HEADER_MAGIC);
        zeroPage.putInt(ZeroPage.KERNEL_ALIGNMENT, SYNTHESIZED_KERNEL_ALIGNMENT);
        zeroPage.putInt(ZeroPage.CMDLINE_SIZE, cmdlineSizeWithNul);
    }

    @Override
    public void loadInto(GuestMemory mem) {
        for (LoadSegment s : segments) {
            file.copyTo(mem, s.paddr(), s.fileOffset(), s.fileSize());
            long bss = s.memSize() - s.fileSize();
            if (bss > 0) {
                mem.slice(s.paddr() + s.fileSize(), bss).fill((byte) 0);
            }
        }
    }
}
