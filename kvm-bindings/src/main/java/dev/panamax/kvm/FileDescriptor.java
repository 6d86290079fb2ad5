package dev.panamax.kvm;

import dev.panamax.kvm.sys.Libc;
import dev.panamax.kvm.sys.Syscall;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An owned file descriptor with ioctl helpers that name the request in their exceptions.
 * Not for hot paths: each call allocates its errno capture state in a confined arena. Public so
 * that a VMM can watch any handle's descriptor (an {@link Epoll}); only this package makes them.
 */
public class FileDescriptor implements AutoCloseable {
    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();

    FileDescriptor(int fd) {
        this.fd = fd;
    }

    /**
     * The raw descriptor number, for a call about to use it.
     *
     * @throws IllegalStateException once closed: the number may already name another file
     */
    public int fd() {
        if (closed.get()) {
            throw new IllegalStateException(getClass().getSimpleName() + " (fd " + fd + ") used after close");
        }
        return fd;
    }

    final int ioctl(String name, long request, long arg) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.allocateCaptureState(arena);
            return Syscall.check("ioctl(" + name + ")", Libc.ioctl(state, fd(), request, arg), state);
        }
    }

    final int ioctl(String name, long request, MemorySegment arg) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.allocateCaptureState(arena);
            return Syscall.check("ioctl(" + name + ")", Libc.ioctl(state, fd(), request, arg), state);
        }
    }

    static int open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.allocateCaptureState(arena);
            return Syscall.check("open(" + path + ")", Libc.open(state, arena.allocateFrom(path), flags), state);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = Libc.allocateCaptureState(arena);
                Syscall.check("close", Libc.close(state, fd), state);
            } finally {
                afterClose();
            }
        }
    }

    /** Releases what the subclass owns beside the descriptor; runs once, after close. */
    void afterClose() {}
}
