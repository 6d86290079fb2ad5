package dev.panamax.kvm;

import dev.panamax.kvm.sys.Errno;
import dev.panamax.kvm.sys.Libc;
import dev.panamax.kvm.sys.Syscall;
import dev.panamax.kvm.sys.SyscallException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A Linux eventfd: the doorbell KVM rings for an ioeventfd and listens to for an irqfd.
 * {@link #signal()} and {@link #drain()} reuse buffers made once, so they do not allocate.
 * {@code signal()} may be called from several threads at once (an interrupt raised by any vCPU
 * or an input thread): the value it writes is a constant, and only the errno reported for a
 * failed write could come from another thread's failure. {@code drain()} is for one thread.
 */
public final class EventFd extends FileDescriptor {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment one = arena.allocate(JAVA_LONG);
    private final MemorySegment counter = arena.allocate(JAVA_LONG);
    private final MemorySegment signalState = Libc.allocateCaptureState(arena);
    private final MemorySegment drainState = Libc.allocateCaptureState(arena);

    private EventFd(int fd) {
        super(fd);
        one.set(JAVA_LONG, 0, 1L);
    }

    /** A non-blocking, close-on-exec eventfd with counter 0. */
    public static EventFd create() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = Libc.allocateCaptureState(a);
            int fd = Syscall.check("eventfd", Libc.eventfd(state, 0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC), state);
            return new EventFd(fd);
        }
    }

    /** Adds 1 to the counter, waking whoever waits on it. */
    public void signal() {
        Syscall.check("write(eventfd)", Libc.write(signalState, fd(), one, 8), signalState);
    }

    /** Reads and resets the counter; 0 when nothing was signalled since the last drain. */
    public long drain() {
        long n = Libc.read(drainState, fd(), counter, 8);
        if (n < 0) {
            int errno = Libc.errno(drainState);
            if (errno == Errno.EAGAIN.code()) {
                return 0;
            }
            throw new SyscallException("read(eventfd)", errno);
        }
        return counter.get(JAVA_LONG, 0);
    }

    @Override
    void afterClose() {
        arena.close();
    }
}
