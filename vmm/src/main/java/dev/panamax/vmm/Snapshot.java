package dev.panamax.vmm;

import dev.panamax.memory.MemoryImage;
import dev.panamax.vmm.boot.MemoryMap;
import dev.panamax.vmm.snapshot.HostCpu;
import dev.panamax.vmm.snapshot.SnapshotFile;
import dev.panamax.vmm.snapshot.SnapshotFormatException;
import dev.panamax.vmm.snapshot.SnapshotState;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;

/**
 * A paused VM, ready to be restored any number of times ({@link MicroVm#restore}): its state,
 * checked, and its memory image, which each restored guest maps copy-on-write, so restoring
 * costs the same whatever the RAM size and no guest sees another's writes. Made in this process
 * from a paused VM ({@link MicroVm#snapshot()}; the image is then an in-memory copy) or read
 * from a snapshot's two files ({@link #load}). Close it when no more guests will be made from it.
 */
public final class Snapshot implements AutoCloseable {
    private final SnapshotState state;
    private final MemoryImage memory;

    Snapshot(SnapshotState state, MemoryImage memory) {
        this.state = Objects.requireNonNull(state, "state");
        this.memory = Objects.requireNonNull(memory, "memory");
        long ram = MemoryMap.ofMib(state.config().machine().memSizeMib()).ramSize();
        if (memory.size() != ram) {
            throw new IllegalArgumentException("memory file " + memory.name() + " holds " + memory.size()
                    + " bytes, the snapshot's VM has " + ram + " bytes of RAM");
        }
    }

    /**
     * Reads a snapshot's state file and opens its memory file (never written). Everything is
     * checked here, before any VM is made from it: a file that is not a snapshot, truncated,
     * corrupt, of another format or Panamax version, from another CPU model, or a memory file of
     * the wrong size is refused.
     *
     * @throws SnapshotFormatException one line naming the file and what is wrong
     */
    public static Snapshot load(Path stateFile, Path memoryFile) throws IOException, SnapshotFormatException {
        SnapshotState state = SnapshotFile.read(stateFile, HostCpu.current());
        MemoryImage memory = MemoryImage.open(memoryFile);
        try {
            return new Snapshot(state, memory);
        } catch (IllegalArgumentException e) {
            memory.close();
            throw new SnapshotFormatException(e.getMessage(), e);
        }
    }

    /** What the VM was built from: its machine and devices (a restore opens these backing files again). */
    public VmConfig config() {
        return state.config();
    }

    SnapshotState state() {
        return state;
    }

    MemoryImage memory() {
        return memory;
    }

    /**
     * Writes the two files a restore in another process reads: the state file (see
     * {@link SnapshotFile}) and the memory file (guest RAM, regions back to back). Each is
     * written beside its name, synced and renamed into place.
     */
    public void writeTo(Path stateFile, Path memoryFile) throws IOException {
        write(state, stateFile, memoryFile, memory.size(), memory::writeTo);
    }

    /** How the memory file's bytes are produced. */
    @FunctionalInterface
    interface MemoryWriter {
        void write(FileChannel out) throws IOException;
    }

    /**
     * Writes the memory file ({@code memorySize} bytes: what {@code memoryWriter} leaves unwritten,
     * a diff's clean pages, stays a hole) and then the state file.
     */
    static void write(SnapshotState state, Path stateFile, Path memoryFile, long memorySize, MemoryWriter memoryWriter)
            throws IOException {
        Path tmp = memoryFile.resolveSibling(memoryFile.getFileName() + ".tmp");
        try (RandomAccessFile file = new RandomAccessFile(tmp.toFile(), "rw")) {
            file.setLength(0); // a leftover .tmp's bytes must not show through a diff's holes
            FileChannel out = file.getChannel();
            memoryWriter.write(out);
            file.setLength(memorySize);
            out.force(true);
        }
        Files.move(tmp, memoryFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        SnapshotFile.write(stateFile, state, HostCpu.current());
    }

    @Override
    public void close() {
        memory.close();
    }
}
