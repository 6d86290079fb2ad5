package dev.panamax.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A process's memory as a footprint benchmark splits it (issue 12: "VMM RSS minus guest-touched
 * memory"): its whole resident and proportional sets, and how much of a guest's RAM range is
 * resident, counted page by page in /proc/PID/pagemap (exact whatever the kernel merged the range's
 * mapping with). Linux only; reading another process's pagemap needs the rights ptrace would.
 */
final class ProcessMemory {
    private static final long PAGE = 4096;
    private static final long PRESENT = 1L << 63;
    private static final long SWAPPED = 1L << 62;

    private ProcessMemory() {
    }

    /** A host virtual address range. */
    record Range(long start, long length) {}

    /**
     * What /proc/PID/status and smaps_rollup say: resident set and proportional set (KiB: shared
     * pages, such as a binary's and its libraries' text, divided among the processes that map
     * them, so that the sum over many processes counts each page once) and thread count.
     */
    record Status(long rssKib, long pssKib, int threads) {}

    static Status status(long pid) {
        long rss = -1;
        int threads = -1;
        for (String line : lines(Path.of("/proc", Long.toString(pid), "status"))) {
            String[] f = line.split("\\s+");
            if (f[0].equals("VmRSS:")) {
                rss = Long.parseLong(f[1]);
            } else if (f[0].equals("Threads:")) {
                threads = Integer.parseInt(f[1]);
            }
        }
        long pss = -1;
        for (String line : lines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
            String[] f = line.split("\\s+");
            if (f[0].equals("Pss:")) {
                pss = Long.parseLong(f[1]);
            }
        }
        if (rss < 0 || pss < 0 || threads < 0) {
            throw new IllegalStateException("no VmRSS/Threads in /proc/" + pid + "/status or Pss in its smaps_rollup");
        }
        return new Status(rss, pss, threads);
    }

    /** KiB of {@code range} in process {@code pid} that are in RAM (not swapped, not untouched). */
    static long residentKib(long pid, Range range) {
        long pages = range.length() / PAGE;
        ByteBuffer entries = ByteBuffer.allocate((int) Math.min(pages, 65_536) * Long.BYTES).order(ByteOrder.nativeOrder());
        long resident = 0;
        try (FileChannel pagemap = FileChannel.open(Path.of("/proc", Long.toString(pid), "pagemap"))) {
            for (long done = 0; done < pages; ) {
                entries.clear().limit((int) Math.min(entries.capacity(), (pages - done) * Long.BYTES));
                long offset = (range.start() / PAGE + done) * Long.BYTES;
                while (entries.hasRemaining()) {
                    if (pagemap.read(entries, offset + entries.position()) < 0) {
                        throw new IllegalStateException("/proc/" + pid + "/pagemap ended inside " + range);
                    }
                }
                entries.flip();
                while (entries.hasRemaining()) {
                    long e = entries.getLong();
                    if ((e & PRESENT) != 0 && (e & SWAPPED) == 0) {
                        resident++;
                    }
                }
                done += entries.limit() / Long.BYTES;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/" + pid + "/pagemap", e);
        }
        return resident * PAGE / 1024;
    }

    /**
     * The anonymous mappings of at least {@code length} bytes in process {@code pid}: how a QEMU
     * guest's RAM is found (nothing else of QEMU's with KVM is that large). The kernel may have
     * merged a neighbouring anonymous mapping into it, whose pages then count as the guest's:
     * an error in the peer's favour.
     */
    static List<Range> anonymousMappingsOf(long pid, long length) {
        List<Range> found = new ArrayList<>();
        for (String line : lines(Path.of("/proc", Long.toString(pid), "maps"))) {
            Range r = anonymous(line);
            if (r != null && r.length() >= length) {
                found.add(r);
            }
        }
        return found;
    }

    /** The range of a /proc/PID/maps line if it maps no file (inode 0, no [name]), else null. */
    static Range anonymous(String mapsLine) {
        String[] f = mapsLine.trim().split("\\s+");
        if (f.length < 5 || !f[4].equals("0") || f.length > 5) {
            return null;
        }
        String[] span = f[0].split("-");
        long start = Long.parseUnsignedLong(span[0], 16);
        return new Range(start, Long.parseUnsignedLong(span[1], 16) - start);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
