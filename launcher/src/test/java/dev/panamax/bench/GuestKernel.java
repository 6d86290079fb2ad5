package dev.panamax.bench;

import dev.panamax.memory.GuestMemory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The test guest's kernel seen from its RAM, for a benchmark's report on a guest that missed its
 * marker: its symbols (an {@code nm -n} listing of build/guest/vmlinux) name a stalled vCPU's
 * RIP, and a few variables read from guest memory say where the boot stands ({@code jiffies}:
 * do timer interrupts arrive; {@code system_state}; the printk ring's records, which hold the
 * boot messages even under {@code quiet}). The guest kernel is not relocatable (no KASLR), so a
 * kernel symbol's physical address is its virtual one less {@code __START_KERNEL_map}.
 */
record GuestKernel(TreeMap<Long, String> symbols, Map<String, Long> byName) {
    private static final long START_KERNEL_MAP = 0xffff_ffff_8000_0000L;
    /** The direct map's start with 4-level paging and no KASLR: a log buffer enlarged at boot is there. */
    private static final long PAGE_OFFSET = 0xffff_8880_0000_0000L;

    // struct printk_ringbuffer: desc_ring {count_bits, descs, infos, head_id, tail_id, ...},
    // then text_data_ring {size_bits, data, ...}.
    static final long RB_COUNT_BITS = 0;
    static final long RB_DESCS = 8;
    static final long RB_INFOS = 16;
    static final long RB_HEAD_ID = 24;
    static final long RB_TAIL_ID = 32;
    static final long RB_SIZE_BITS = 48;
    static final long RB_DATA = 56;
    // struct prb_desc {state_var, text_blk_lpos {begin, next}}; state_var is the state's 2 top bits over the id.
    static final long DESC_SIZE = 24;
    static final long DESC_BEGIN = 8;
    static final long DESC_NEXT = 16;
    static final int DESC_FLAGS_SHIFT = 62;
    static final long DESC_ID_MASK = ~(3L << DESC_FLAGS_SHIFT);
    static final long DESC_COMMITTED = 1;
    static final long DESC_FINALIZED = 2;
    // struct printk_info {u64 seq, ts_nsec; u16 text_len; ...; struct dev_printk_info (64 bytes)}.
    static final long INFO_SIZE = 88;
    static final long INFO_TEXT_LEN = 16;
    /** A text block starts with its descriptor's id (an unsigned long). */
    static final long BLOCK_ID_SIZE = 8;

    /**
     * Parses {@code nm} output (address, type, name per line), keeping the kernel image's
     * symbols (per-CPU offsets and absolute values are not addresses); other lines are skipped.
     */
    static GuestKernel parse(List<String> nmLines) {
        TreeMap<Long, String> symbols = new TreeMap<>(Long::compareUnsigned);
        Map<String, Long> byName = new HashMap<>();
        for (String line : nmLines) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && f[0].matches("[0-9a-fA-F]{16}")) {
                long address = Long.parseUnsignedLong(f[0], 16);
                if (Long.compareUnsigned(address, START_KERNEL_MAP) < 0) {
                    continue;
                }
                symbols.putIfAbsent(address, f[2]);
                byName.putIfAbsent(f[2], address);
            }
        }
        return new GuestKernel(symbols, byName);
    }

    static GuestKernel load(Path nmListing) throws IOException {
        return parse(Files.readAllLines(nmListing));
    }

    /** {@code symbol+0xoffset} for a kernel address, or the bare address below the kernel's symbols. */
    String name(long address) {
        Map.Entry<Long, String> e = symbols.floorEntry(address);
        if (e == null) {
            return "0x" + Long.toHexString(address);
        }
        return e.getValue() + "+0x" + Long.toHexString(address - e.getKey());
    }

    private OptionalLong first(String symbol) {
        Long va = byName.get(symbol);
        return va == null ? OptionalLong.empty() : OptionalLong.of(va);
    }

    /** A 64-bit kernel variable, or empty when the listing lacks it. */
    OptionalLong readU64(GuestMemory memory, String symbol) {
        OptionalLong va = first(symbol);
        return va.isEmpty() ? va : OptionalLong.of(memory.readU64(va.getAsLong() - START_KERNEL_MAP));
    }

    /** A 32-bit kernel variable, or empty when the listing lacks it. */
    OptionalLong readU32(GuestMemory memory, String symbol) {
        OptionalLong va = first(symbol);
        return va.isEmpty() ? va : OptionalLong.of(memory.readU32(va.getAsLong() - START_KERNEL_MAP) & 0xffff_ffffL);
    }

    /**
     * The last {@code n} messages in the printk ring, oldest first, each its record's text as
     * the kernel stored it. The ring ({@code kernel/printk/printk_ringbuffer.h}, Linux 6.1) is
     * read through {@code prb}: descriptors from tail to head id, each finalized (or committed)
     * one naming its text block by logical positions, the block an 8-byte id then the text, and
     * the text's length the info record's {@code text_len}, not the block's: a block is padded
     * to 8 bytes, and printk strips a level prefix by moving the text down over itself, so the
     * bytes past {@code text_len} repeat the end of the message.
     */
    List<String> printkTail(GuestMemory memory, int n) {
        OptionalLong ringVa = first("prb").isPresent() ? readU64(memory, "prb") : first("printk_rb_static");
        if (ringVa.isEmpty()) {
            return List.of();
        }
        long ring = physical(ringVa.getAsLong());
        int countBits = memory.readU32(ring + RB_COUNT_BITS);
        long descs = physical(memory.readU64(ring + RB_DESCS));
        long infos = physical(memory.readU64(ring + RB_INFOS));
        long headId = memory.readU64(ring + RB_HEAD_ID);
        long tailId = memory.readU64(ring + RB_TAIL_ID);
        int sizeBits = memory.readU32(ring + RB_SIZE_BITS);
        long data = physical(memory.readU64(ring + RB_DATA));
        long count = 1L << countBits;
        long dataSize = 1L << sizeBits;
        ArrayDeque<String> tail = new ArrayDeque<>();
        long id = tailId;
        for (long k = 0; k < count; k++, id = (id + 1) & DESC_ID_MASK) {
            long index = id & (count - 1);
            long desc = descs + DESC_SIZE * index;
            long stateVar = memory.readU64(desc);
            long state = stateVar >>> DESC_FLAGS_SHIFT;
            if ((stateVar & DESC_ID_MASK) == id && (state == DESC_COMMITTED || state == DESC_FINALIZED)) {
                int textLength = memory.readU16(infos + INFO_SIZE * index + INFO_TEXT_LEN) & 0xFFFF;
                String text = text(memory, data, sizeBits, dataSize, memory.readU64(desc + DESC_BEGIN),
                        memory.readU64(desc + DESC_NEXT), textLength);
                if (text != null) {
                    tail.addLast(text);
                    if (tail.size() > n) {
                        tail.removeFirst();
                    }
                }
            }
            if (id == headId) {
                break;
            }
        }
        return List.copyOf(tail);
    }

    /** A record's text from its block at logical positions {@code [begin, next)}, or null for none (get_data). */
    private static String text(GuestMemory memory, long data, int sizeBits, long dataSize, long begin, long next,
            int textLength) {
        if ((begin & 1) != 0) {
            return null; // a data-less record (failed, or an empty line)
        }
        long block;
        long blockSize;
        if (begin >>> sizeBits == next >>> sizeBits && Long.compareUnsigned(begin, next) < 0) {
            block = begin & (dataSize - 1);
            blockSize = next - begin;
        } else if ((begin + dataSize) >>> sizeBits == next >>> sizeBits) {
            block = 0; // a block that would wrap is stored at the ring's start
            blockSize = next & (dataSize - 1);
        } else {
            return null;
        }
        long length = Math.min(textLength, blockSize - BLOCK_ID_SIZE);
        if (length < 0 || block + BLOCK_ID_SIZE + length > dataSize) {
            return null;
        }
        return new String(memory.read(data + block + BLOCK_ID_SIZE, (int) length), StandardCharsets.ISO_8859_1);
    }

    /** The physical address of a kernel pointer: in the kernel image, or in the direct map (no KASLR). */
    private static long physical(long va) {
        return Long.compareUnsigned(va, START_KERNEL_MAP) >= 0 ? va - START_KERNEL_MAP : va - PAGE_OFFSET;
    }
}
