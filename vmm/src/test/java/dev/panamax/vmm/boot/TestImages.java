package dev.panamax.vmm.boot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small synthetic kernel images, built field by field so each test can break exactly one thing. */
final class TestImages {
    private TestImages() {}

    /** Distinct, non-zero bytes so a misplaced copy shows. */
    static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (((i * 31) ^ seed) | 1);
        }
        return b;
    }

    static Path write(Path dir, String name, byte[] bytes) {
        try {
            return Files.write(dir.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** An ELF note: u32 namesz, descsz, type, then name and desc each padded to 4 bytes. */
    static byte[] note(String name, int type, byte[] desc) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(12 + pad4(n.length) + pad4(desc.length)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(n.length).putInt(desc.length).putInt(type).put(n);
        b.position(12 + pad4(n.length));
        b.put(desc);
        return b.array();
    }

    /** Linux's PVH note: Xen, XEN_ELFNOTE_PHYS32_ENTRY (18), a pointer-sized (8-byte) address. */
    static byte[] xenPvhNote(long entry) {
        return note("Xen", 18, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(entry).array());
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static int pad4(int n) {
        return (n + 3) & ~3;
    }

    /** An ELF64 x86-64 executable with the given segments; fields are public to break on purpose. */
    static final class Elf {
        record Phdr(int type, long paddr, long vaddr, byte[] bytes, long memSize, long align) {}

        int elfClass = 2;
        int data = 1;
        int type = 2;
        int machine = 62;
        int phentsize = 56;
        long entry = 0x100_0000;
        final List<Phdr> phdrs = new ArrayList<>();

        Elf load(long paddr, byte[] bytes, long memSize) {
            return load(paddr, paddr, bytes, memSize);
        }

        Elf load(long paddr, long vaddr, byte[] bytes, long memSize) {
            phdrs.add(new Phdr(1, paddr, vaddr, bytes, memSize, 0x20_0000));
            return this;
        }

        Elf note(byte[] notes) {
            phdrs.add(new Phdr(4, 0, 0, notes, notes.length, 4));
            return this;
        }

        Elf entry(long entry) {
            this.entry = entry;
            return this;
        }

        /** Offset in the file where segment {@code index}'s bytes start. */
        long offsetOf(int index) {
            long offset = align16(64 + 56L * phdrs.size());
            for (int i = 0; i < index; i++) {
                offset = align16(offset + phdrs.get(i).bytes().length);
            }
            return offset;
        }

        byte[] build() {
            int size = (int) offsetOf(phdrs.size());
            ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
            b.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) elfClass, (byte) data, 1});
            b.putShort(0x10, (short) type).putShort(0x12, (short) machine).putInt(0x14, 1)
                    .putLong(0x18, entry).putLong(0x20, 64).putShort(0x34, (short) 64)
                    .putShort(0x36, (short) phentsize).putShort(0x38, (short) phdrs.size());
            for (int i = 0; i < phdrs.size(); i++) {
                Phdr p = phdrs.get(i);
                int at = 64 + 56 * i;
                long offset = offsetOf(i);
                b.putInt(at, p.type()).putInt(at + 4, 5).putLong(at + 8, offset).putLong(at + 16, p.vaddr())
                        .putLong(at + 24, p.paddr()).putLong(at + 32, p.bytes().length).putLong(at + 40, p.memSize())
                        .putLong(at + 48, p.align());
                b.put((int) offset, p.bytes());
            }
            return b.array();
        }

        private static long align16(long v) {
            return (v + 15) & ~15L;
        }
    }

    /** A bzImage: setup sectors carrying a protocol 2.12+ setup header, then a payload. */
    static final class BzImage {
        int setupSects = 4;
        int version = 0x020f;
        int headerEnd = 0x26c;
        int loadflags = 0x01;
        int xloadflags = 0x01;
        int cmdlineSize = 2047;
        long initrdAddrMax = 0x7fff_ffffL;
        long kernelAlignment = 0x20_0000;
        boolean relocatable = true;
        long prefAddress = 0x100_0000;
        long initSize = 0x40_0000;
        byte[] payload = pattern(0x3000, 0x5a);

        int setupSize() {
            return ((setupSects == 0 ? 4 : setupSects) + 1) * 512;
        }

        byte[] build() {
            ByteBuffer b = ByteBuffer.allocate(setupSize() + payload.length).order(ByteOrder.LITTLE_ENDIAN);
            b.put(0x1f1, (byte) setupSects);
            b.putShort(0x1fe, (short) 0xaa55);
            b.put(0x200, (byte) 0xeb).put(0x201, (byte) (headerEnd - 0x202));
            b.putInt(0x202, 0x5372_6448);
            b.putShort(0x206, (short) version);
            b.put(0x211, (byte) loadflags);
            b.putInt(0x214, 0x10_0000);
            b.putInt(0x22c, (int) initrdAddrMax);
            b.putInt(0x230, (int) kernelAlignment);
            b.put(0x234, (byte) (relocatable ? 1 : 0));
            b.putShort(0x236, (short) xloadflags);
            b.putInt(0x238, cmdlineSize);
            b.putLong(0x258, prefAddress);
            b.putInt(0x260, (int) initSize);
            b.put(setupSize(), payload);
            return b.array();
        }
    }
}
