package dev.panamax.bench;

import dev.panamax.memory.GuestMemory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The test guest's kernel seen from its RAM, for a benchmark's report on a guest that missed its
 * marker: its symbols (an {@code nm -n} listing of build/guest/vmlinux) name a stalled vCPU's
 * RIP, and a few variables read from guest memory say where the boot stands ({@code jiffies}:
 * do timer interrupts arrive; {@code system_state}; the printk ring's text, which holds the boot
 * messages even under {@code quiet}). The guest kernel is not relocatable (no KASLR), so a
 * kernel symbol's physical address is its virtual one less {@code __START_KERNEL_map}.
 */
record GuestKernel(TreeMap<Long, String> symbols, Map<String, Long> byName) {
    private static final long START_KERNEL_MAP = 0xffff_ffff_8000_0000L;
    /** The text ring's size: CONFIG_LOG_BUF_SHIFT=17 in scripts/guest/kernel.config. */
    private static final int LOG_BUF_BYTES = 1 << 17;

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
     * The last {@code n} messages in the printk text ring, oldest first: its blocks are an id
     * followed by the text, so the printable runs of 4 or more bytes are the messages. Before the
     * ring first wraps (an early boot logs far less than its 128 KiB) they are in order.
     */
    List<String> printkTail(GuestMemory memory, int n) {
        OptionalLong va = first("__log_buf");
        if (va.isEmpty()) {
            return List.of();
        }
        return printableRuns(memory.read(va.getAsLong() - START_KERNEL_MAP, LOG_BUF_BYTES), n);
    }

    /** The last {@code n} runs of 4 or more printable ASCII bytes in {@code bytes}, oldest first. */
    static List<String> printableRuns(byte[] bytes, int n) {
        List<String> runs = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= bytes.length; i++) {
            boolean printable = i < bytes.length && bytes[i] >= 0x20 && bytes[i] < 0x7f;
            if (printable && start < 0) {
                start = i;
            } else if (!printable && start >= 0) {
                if (i - start >= 4) {
                    runs.add(new String(bytes, start, i - start, StandardCharsets.US_ASCII));
                }
                start = -1;
            }
        }
        return runs.subList(Math.max(0, runs.size() - n), runs.size());
    }
}
