package dev.panamax.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * mmap and munmap, the only C calls guest RAM needs, bound here so that this module depends on
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

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle MMAP = downcall("mmap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = downcall("munmap", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));

    private Mmap() {}

    private static MethodHandle downcall(String name, FunctionDescriptor signature) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: " + name));
        return LINKER.downcallHandle(symbol, signature, Linker.Option.captureCallState("errno"));
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
