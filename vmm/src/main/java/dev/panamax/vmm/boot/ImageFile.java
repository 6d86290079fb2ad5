package dev.panamax.vmm.boot;

import dev.panamax.memory.GuestMemory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A kernel or initrd file opened for loading. Reads are bounds-checked against the file size, so
 * a short file fails as "truncated" naming the field that is missing; bulk copies go straight
 * from the file into guest RAM without a heap copy.
 */
final class ImageFile implements AutoCloseable {
    static final String KERNEL = "kernel image";
    static final String INITRD = "initrd";

    /** The most one bulk ByteBuffer may span. */
    private static final int MAX_CHUNK = 1 << 30;

    private final String what;
    private final Path path;
    private final FileChannel channel;
    private final long size;

    private ImageFile(String what, Path path, FileChannel channel, long size) {
        this.what = what;
        this.path = path;
        this.channel = channel;
        this.size = size;
    }

    /** Opens {@code path}; {@code what} ("kernel image", "initrd") starts every error message. */
    static ImageFile open(String what, Path path) {
        if (Files.isDirectory(path)) {
            throw BootException.forFile(what, path, "is a directory, not a file");
        }
        try {
            FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
            try {
                return new ImageFile(what, path, channel, channel.size());
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (NoSuchFileException e) {
            throw BootException.forFile(what, path, "no such file");
        } catch (AccessDeniedException e) {
            throw BootException.forFile(what, path, "permission denied");
        } catch (IOException e) {
            throw new BootException(what + " " + path + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    Path path() {
        return path;
    }

    long size() {
        return size;
    }

    /** An error about this file: {@code "<what> <path>: <problem>"}. */
    BootException error(String problem) {
        return BootException.forFile(what, path, problem);
    }

    /** {@code length} bytes at {@code offset}, little-endian; {@code field} names them if the file is too short. */
    ByteBuffer read(long offset, int length, String field) {
        if (offset < 0 || offset > size || length > size - offset) {
            throw error("truncated: " + field + " needs bytes [0x" + Long.toHexString(offset) + ", 0x"
                    + Long.toHexString(offset + length) + ") but the file is " + size + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        try {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, offset + buffer.position()) < 0) {
                    throw error("truncated: the file shrank while loading");
                }
            }
        } catch (IOException e) {
            throw new BootException(what + " " + path + ": cannot read (" + e.getMessage() + ")", e);
        }
        return buffer.flip();
    }

    /**
     * Copies file bytes {@code [offset, offset + length)} to guest-physical {@code guestAddress}.
     * The caller has checked both ranges; GuestMemory still refuses anything outside RAM.
     */
    void copyTo(GuestMemory mem, long guestAddress, long offset, long length) {
        if (length == 0) {
            return;
        }
        MemorySegment target = mem.slice(guestAddress, length);
        try {
            for (long done = 0; done < length; ) {
                int chunk = (int) Math.min(length - done, MAX_CHUNK);
                ByteBuffer buffer = target.asSlice(done, chunk).asByteBuffer();
                while (buffer.hasRemaining()) {
                    if (channel.read(buffer, offset + done + buffer.position()) < 0) {
                        throw error("truncated: the file shrank while loading");
                    }
                }
                done += chunk;
            }
        } catch (IOException e) {
            throw new BootException(what + " " + path + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Read-only: nothing was promised that a failed close could break.
        }
    }
}
