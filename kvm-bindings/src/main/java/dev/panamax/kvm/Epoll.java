package dev.panamax.kvm;

import dev.panamax.kvm.sys.Errno;
import dev.panamax.kvm.sys.Libc;
import dev.panamax.kvm.sys.Syscall;
import dev.panamax.kvm.sys.SyscallException;
import dev.panamax.kvm.sys.epoll_event;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * An epoll instance watching file descriptors for readiness, each tagged with a caller's token.
 * {@link #await(long[])} is for one thread (the event loop) and reuses its buffers, so waiting
 * does not allocate.
 */
public final class Epoll extends FileDescriptor {
    private static final int MAX_EVENTS = 64;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment events = arena.allocate(epoll_event.LAYOUT.byteSize() * MAX_EVENTS, 8);
    private final MemorySegment waitState = Libc.allocateCaptureState(arena);

    private Epoll(int fd) {
        super(fd);
    }

    public static Epoll create() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = Libc.allocateCaptureState(a);
            return new Epoll(Syscall.check("epoll_create1", Libc.epoll_create1(state, Libc.EPOLL_CLOEXEC), state));
        }
    }

    /** Watches {@code fd} for input (level-triggered); {@link #await} reports it as {@code token}. */
    public void watch(int fd, long token) {
        watch(fd, Libc.EPOLLIN, token);
    }

    /**
     * Watches {@code fd} for {@code events} ({@code Libc.EPOLLIN}, {@code (int) Libc.EPOLLET}, ...);
     * {@link #await} reports it as {@code token}. With EPOLLET it is reported once per change
     * to ready, so its handler must consume until EAGAIN or remember that it did not.
     */
    public void watch(int fd, int events, long token) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment event = epoll_event.allocate(a);
            epoll_event.events(event, events);
            epoll_event.data(event, token);
            MemorySegment state = Libc.allocateCaptureState(a);
            Syscall.check("epoll_ctl(EPOLL_CTL_ADD)", Libc.epoll_ctl(state, fd(), Libc.EPOLL_CTL_ADD, fd, event), state);
        }
    }

    /**
     * Blocks until at least one watched descriptor has input; writes up to {@code tokens.length}
     * ready tokens into {@code tokens} and returns how many. A signal interrupting the wait
     * returns 0.
     */
    public int await(long[] tokens) {
        int max = Math.min(tokens.length, MAX_EVENTS);
        int n = Libc.epoll_wait(waitState, fd(), events, max, -1);
        if (n < 0) {
            int errno = Libc.errno(waitState);
            if (errno == Errno.EINTR.code()) {
                return 0;
            }
            throw new SyscallException("epoll_wait", errno);
        }
        long size = epoll_event.LAYOUT.byteSize();
        for (int i = 0; i < n; i++) {
            tokens[i] = events.get(JAVA_LONG_UNALIGNED, i * size + epoll_event.data$OFFSET);
        }
        return n;
    }

    @Override
    void afterClose() {
        arena.close();
    }
}
