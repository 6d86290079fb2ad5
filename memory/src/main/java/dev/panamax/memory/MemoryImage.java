package dev.panamax.memory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A guest-RAM image that {@link GuestMemory#privateCopy} maps copy-on-write: a snapshot's memory
 * file ({@link #open}), or a copy kept in this process ({@link #copyOf}, an anonymous memfd) so
 * that one booted guest can be restored again and again without touching the disk. Any number
 * of guests may map one image at once; none of them changes it. Close it when no new guest will
 * be made from it (guests already mapped keep their pages).
 */
public final class MemoryImage implements AutoCloseable {
    private final int fd;
    private final long size;
    private final String name;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MemoryImage(int fd, long size, String name) {
        this.fd = fd;
        this.size = size;
        this.name = name;
    }

    /** The memory file at {@code path}, opened read-only. */
    public static MemoryImage open(Path path) throws IOException {
        long size = Files.size(path);
        return new MemoryImage(Mmap.openReadOnly(path.toString()), size, path.toString());
    }

    /** A copy of {@code memory}, whose guest must not run meanwhile, in an anonymous in-memory file. */
    public static MemoryImage copyOf(GuestMemory memory) {
        int fd = Mmap.memfd("panamax-memory-image");
        try (FileChannel out = FileChannel.open(Path.of("/proc/self/fd/" + fd), StandardOpenOption.WRITE)) {
            memory.writeTo(out);
        } catch (IOException e) {
            Mmap.close(fd);
            throw new UncheckedIOException("copying guest memory into a memfd: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            Mmap.close(fd);
            throw e;
        }
        return new MemoryImage(fd, memory.size(), "in memory");
    }

    /** Bytes in the image. */
    public long size() {
        return size;
    }

    /** The file's path, or "in memory", for messages. */
    public String name() {
        return name;
    }

    /** Copies the whole image to {@code out}. */
    public void writeTo(FileChannel out) throws IOException {
        try (FileChannel in = FileChannel.open(Path.of("/proc/self/fd/" + fd()), StandardOpenOption.READ)) {
            long done = 0;
            while (done < size) {
                long n = in.transferTo(done, size - done, out);
                if (n <= 0) {
                    throw new IOException("memory image " + name + " ends at byte " + done + " of " + size);
                }
                done += n;
            }
        }
    }

    int fd() {
        if (closed.get()) {
            throw new IllegalStateException("memory image " + name + " is closed");
        }
        return fd;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Mmap.close(fd);
        }
    }
}
