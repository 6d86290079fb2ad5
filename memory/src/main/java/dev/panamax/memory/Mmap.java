package dev.panamax.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * mmap and munmap, the only C calls guest RAM needs (and, for snapshot images, open, close,
 * memfd_create and lseek's SEEK_DATA/SEEK_HOLE), bound here so that this module depends on
 * nothing but the JDK (the KVM bindings serve the VM, not its RAM). The downcall handles are made
 * once (the images' on first use); each call captures errno itself, because the JVM may overwrite
 * it before Java code could read it.
 */
final class Mmap {
    private static final int PROT_READ = 0x1;
    private static final int PROT_WRITE = 0x2;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;
    /** Commit pages on first touch, not up front: a guest seldom touches all of its RAM. */
    private static final int MAP_NORESERVE = 0x4000;
    private static final long MAP_FAILED = -1;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int MFD_CLOEXEC = 1;
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;
    /** lseek's answer to SEEK_DATA at or past the last data. */
    private static final int ENXIO = 6;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle MMAP = downcall("mmap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = downcall("munmap", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    /** Snapshot images' calls, linked when a restore first needs one (a downcall stub costs a launch tens of ms). */
    private static final class ImageCalls {
        /** open(2) is variadic (the mode); the third argument is passed as one, 0. */
        static final MethodHandle OPEN = downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                Linker.Option.firstVariadicArg(2));
        static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle MEMFD_CREATE = downcall("memfd_create",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle LSEEK = downcall("lseek",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    private Mmap() {}

    private static MethodHandle downcall(String name, FunctionDescriptor signature, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: " + name));
        Linker.Option[] all = java.util.Arrays.copyOf(options, options.length + 1);
        all[options.length] = Linker.Option.captureCallState("errno");
        return LINKER.downcallHandle(symbol, signature, all);
    }

    /**
     * Maps {@code size} bytes of file {@code fd} from {@code offset} copy-on-write
     * ({@code MAP_PRIVATE}): pages are read from the file on first touch, and writes go to
     * private copies, never to the file.
     */
    static long privateFile(int fd, long offset, long size) {
        return mmap(size, MAP_PRIVATE | MAP_NORESERVE, fd, offset,
                size + " bytes of a memory image at offset " + offset);
    }

    /** Opens {@code path} read-only; returns the file descriptor. */
    static int openReadOnly(String path) {
        return call("open", () -> "open(" + path + ")",
                (state, arena) -> (int) ImageCalls.OPEN.invokeExact(state, arena.allocateFrom(path), O_RDONLY | O_CLOEXEC, 0));
    }

    /** An anonymous in-memory file ({@code memfd_create}); returns its descriptor. */
    static int memfd(String name) {
        return call("memfd_create", () -> "memfd_create(" + name + ")",
                (state, arena) -> (int) ImageCalls.MEMFD_CREATE.invokeExact(state, arena.allocateFrom(name), MFD_CLOEXEC));
    }

    /** The start of the first data at or after {@code offset} in file {@code fd}, or -1 when there is none. */
    static long seekData(int fd, long offset) {
        return lseek(fd, offset, SEEK_DATA);
    }

    /** The start of the first hole at or after {@code offset} (the file's end is one). */
    static long seekHole(int fd, long offset) {
        return lseek(fd, offset, SEEK_HOLE);
    }

    private static long lseek(int fd, long offset, int whence) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CALL_STATE);
            long at;
            try {
                at = (long) ImageCalls.LSEEK.invokeExact(state, fd, offset, whence);
            } catch (Throwable t) {
                throw new IllegalStateException("lseek downcall", t);
            }
            if (at < 0) {
                if (whence == SEEK_DATA && errno(state) == ENXIO) {
                    return -1;
                }
                throw new MappingException("lseek(" + fd + ", " + offset + ", " + (whence == SEEK_DATA ? "SEEK_DATA"
                        : "SEEK_HOLE") + ")", errno(state));
            }
            return at;
        }
    }

    static void close(int fd) {
        call("close", () -> "close(" + fd + ")", (state, arena) -> (int) ImageCalls.CLOSE.invokeExact(state, fd));
    }

    /** Maps {@code size} bytes of private, anonymous, zeroed memory; returns its host address. */
    static long anonymous(long size) {
        return mmap(size, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0L, size + " bytes of guest RAM");
    }

    /** Unmaps what {@link #anonymous} or {@link #privateFile} mapped. */
    static void unmap(long address, long size) {
        call("munmap", () -> "munmap(0x" + Long.toHexString(address) + ", " + size + " bytes)",
                (state, arena) -> (int) MUNMAP.invokeExact(state, address, size));
    }

    /** A read-write mapping of {@code size} bytes; {@code what} names it in the error. */
    private static long mmap(long size, int flags, int fd, long offset, String what) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CALL_STATE);
            long address;
            try {
                address = (long) MMAP.invokeExact(state, 0L, size, PROT_READ | PROT_WRITE, flags, fd, offset);
            } catch (Throwable t) { // a downcall throws nothing of its own: this is a JVM failure
                throw new IllegalStateException("mmap downcall", t);
            }
            if (address == MAP_FAILED) {
                throw new MappingException("mmap(" + what + ")", errno(state));
            }
            return address;
        }
    }

    /** A downcall returning an int that is negative (-1) on failure, with errno captured in {@code state}. */
    @FunctionalInterface
    private interface IntCall {
        int invoke(MemorySegment state, Arena arena) throws Throwable;
    }

    /** Runs {@code c}; a negative result becomes a {@link MappingException} naming {@code what}. */
    private static int call(String name, java.util.function.Supplier<String> what, IntCall c) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc;
            try {
                rc = c.invoke(state, arena);
            } catch (Throwable t) {
                throw new IllegalStateException(name + " downcall", t);
            }
            if (rc < 0) {
                throw new MappingException(what.get(), errno(state));
            }
            return rc;
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}
