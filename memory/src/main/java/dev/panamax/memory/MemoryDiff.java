package dev.panamax.memory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Applies a diff snapshot's memory file to its base. A diff memory file is as long as guest RAM
 * but holds data only where pages changed since the snapshot before it, holes elsewhere
 * ({@link GuestMemory#writePagesTo}); copying its data extents over a copy of the base's memory
 * file gives the memory file a Full snapshot at the diff's point would have had (Firecracker's
 * {@code snapshot-editor edit-memory rebase}). Only the diff's data is read and written, found
 * with {@code lseek(SEEK_DATA/SEEK_HOLE)}: the cost is the diff's size, not RAM's.
 */
public final class MemoryDiff {
    private MemoryDiff() {}

    /**
     * Writes every data extent of {@code diff} into {@code base} at the same offset; the holes
     * leave {@code base} as it is. Both must be the same size (the same VM's RAM).
     *
     * @return the bytes copied
     * @throws IllegalArgumentException one line naming both files when their sizes differ
     */
    public static long rebase(Path base, Path diff) throws IOException {
        long size = Files.size(diff);
        long baseSize = Files.size(base);
        if (size != baseSize) {
            throw new IllegalArgumentException("diff memory file " + diff + " holds " + size + " bytes, base " + base
                    + " holds " + baseSize + ": not a diff of that base");
        }
        int fd = Mmap.openReadOnly(diff.toString());
        long copied = 0;
        try (FileChannel in = FileChannel.open(diff, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(base, StandardOpenOption.WRITE)) {
            for (long data = Mmap.seekData(fd, 0); data >= 0 && data < size; ) {
                long hole = Math.min(Mmap.seekHole(fd, data), size);
                out.position(data);
                for (long at = data; at < hole; ) {
                    long n = in.transferTo(at, hole - at, out);
                    if (n <= 0) {
                        throw new IOException("diff memory file " + diff + " ends at byte " + at + " of " + size);
                    }
                    at += n;
                }
                copied += hole - data;
                data = hole < size ? Mmap.seekData(fd, hole) : -1;
            }
            out.force(true);
        } finally {
            Mmap.close(fd);
        }
        return copied;
    }
}
