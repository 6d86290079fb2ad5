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
 * mmap and munmap, the only C calls guest RAM needs (and, for snapshot images, open, close and
 * memfd_create), bound here so that this module depends on
 * nothing but the JDK (the KVM bindings serve the VM, not its RAM). The downcall handles are made
 * once; each call captures errno itself, because the JVM may overwrite it before Java code could
 * read it.
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

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle MMAP = downcall("mmap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = downcall("munmap", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    /** open(2) is variadic (the mode); the third argument is passed as one, 0. */
    private static final MethodHandle OPEN = downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle MEMFD_CREATE = downcall("memfd_create",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

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
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CALL_STATE);
            long address;
            try {
                address = (long) MMAP.invokeExact(state, 0L, size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_NORESERVE, fd, offset);
            } catch (Throwable t) {
                throw new IllegalStateException("mmap downcall", t);
            }
            if (address == MAP_FAILED) {
                throw new MappingException("mmap(" + size + " bytes of a memory image at offset " + offset + ")",
                        errno(state));
            }
            return address;
        }
    }

    /** Opens {@code path} read-only; returns the file descriptor. */
    static int openReadOnly(String path) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CALL_STATE);
            int fd;
            try {
                fd = (int) OPEN.invokeExact(state, call.allocateFrom(path), O_RDONLY | O_CLOEXEC, 0);
            } catch (Throwable t) {
                throw new IllegalStateException("open downcall", t);
            }
            if (fd < 0) {
                throw new MappingException("open(" + path + ")", errno(state));
            }
            return fd;
        }
    }

    /** An anonymous in-memory file ({@code memfd_create}); returns its descriptor. */
    static int memfd(String name) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CALL_STATE);
            int fd;
            try {
                fd = (int) MEMFD_CREATE.invokeExact(state, call.allocateFrom(name), MFD_CLOEXEC);
            } catch (Throwable t) {
                throw new IllegalStateException("memfd_create downcall", t);
            }
            if (fd < 0) {
                throw new MappingException("memfd_create(" + name + ")", errno(state));
            }
            return fd;
        }
    }

    static void close(int fd) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CALL_STATE);
            int rc;
            try {
                rc = (int) CLOSE.invokeExact(state, fd);
            } catch (Throwable t) {
                throw new IllegalStateException("close downcall", t);
            }
            if (rc != 0) {
                throw new MappingException("close(" + fd + ")", errno(state));
            }
        }
    }

    /** Maps {@code size} bytes of private, anonymous, zeroed memory; returns its host address. */
    static long anonymous(long size) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CALL_STATE);
            long address;
            try {
                address = (long) MMAP.invokeExact(state, 0L, size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0L);
            } catch (Throwable t) { // a downcall throws nothing of its own: this is a JVM failure
                throw new IllegalStateException("mmap downcall", t);
            }
            if (address == MAP_FAILED) {
                throw new MappingException("mmap(" + size + " bytes of guest RAM)", errno(state));
            }
            return address;
        }
    }

    /** Unmaps what {@link #anonymous} mapped. */
    static void unmap(long address, long size) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CALL_STATE);
            int rc;
            try {
                rc = (int) MUNMAP.invokeExact(state, address, size);
            } catch (Throwable t) {
                throw new IllegalStateException("munmap downcall", t);
            }
            if (rc != 0) {
                throw new MappingException("munmap(0x" + Long.toHexString(address) + ", " + size + " bytes)",
                        errno(state));
            }
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}
