package dev.panamax.kvm.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libc calls a VMM needs, as downcall handles created once, when first used. Every call that can fail
 * captures {@code errno} ({@link Linker.Option#captureCallState}) into a caller-supplied
 * segment of {@link #CAPTURE_STATE_LAYOUT}, so a thread can reuse one segment and read
 * errno with {@link #errno(MemorySegment)} without allocating.
 *
 * <p>Raw and unchecked on purpose: {@link Syscall} turns failures into exceptions.
 */
public final class Libc {
    private Libc() {}

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** Layout of the errno capture segment passed as the first argument of every call. */
    public static final StructLayout CAPTURE_STATE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_STATE_LAYOUT.varHandle(groupElement("errno"));

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;

    /** Open-file-description record locks (Linux 3.15): owned by the open file, not the process. */
    public static final int F_OFD_SETLK = 37;
    public static final int F_RDLCK = 0;
    public static final int F_WRLCK = 1;
    public static final int F_UNLCK = 2;
    public static final int SEEK_SET = 0;

    public static final int PROT_NONE = 0;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_NORESERVE = 0x4000;
    public static final long MAP_FAILED = -1L;

    public static final int MADV_DONTNEED = 4;
    public static final int MADV_DONTFORK = 10;
    public static final int MADV_HUGEPAGE = 14;

    public static final int EFD_NONBLOCK = 0x800;
    public static final int EFD_CLOEXEC = 0x80000;

    public static final int EPOLL_CLOEXEC = 0x80000;
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLL_CTL_MOD = 3;
    public static final int EPOLLIN = 0x001;
    public static final int EPOLLOUT = 0x004;
    public static final int EPOLLERR = 0x008;
    public static final int EPOLLHUP = 0x010;
    /**
     * Edge-triggered: report a descriptor once per change to ready, not while it stays ready.
     * C's value is the unsigned 1u << 31, hence a long here; {@code (int) EPOLLET} is the bit.
     */
    public static final long EPOLLET = 1L << 31;

    /** clock_gettime clocks: CPU time of every thread of this process. */
    public static final int CLOCK_PROCESS_CPUTIME_ID = 2;

    /** tcsetattr: apply the settings now. */
    public static final int TCSANOW = 0;

    // Each group of calls is linked when first used (a holder class per group: the JVM runs its
    // initialiser once, on first access), so a launch links only the downcalls it makes: a
    // downcall stub is a class spun at run time, tens of milliseconds each, and more under emulation.

    /** Open, close and fcntl: what opening /dev/kvm (or a probe) needs. */
    private static final class FileCalls {
        static final MethodHandle OPEN = capturing("open",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
        static final MethodHandle CLOSE = capturing("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle FCNTL_PTR = capturing("fcntl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), Linker.Option.firstVariadicArg(2));
    }

    /** Read and write, also at an offset. */
    private static final class Io {
        static final MethodHandle READ = capturing("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
        static final MethodHandle WRITE = capturing("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
        static final MethodHandle PREAD = capturing("pread",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
        static final MethodHandle PWRITE = capturing("pwrite",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    }

    /** Ioctl with a pointer or an integer argument. */
    private static final class Ioctls {
        static final MethodHandle IOCTL_PTR = capturing("ioctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
        static final MethodHandle IOCTL_LONG = capturing("ioctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(2));
    }

    /** Mmap, munmap, madvise. */
    private static final class Mappings {
        static final MethodHandle MMAP = capturing("mmap",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
        static final MethodHandle MUNMAP = capturing("munmap", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
        static final MethodHandle MADVISE = capturing("madvise",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    }

    /** Epoll and eventfd: the event loops. */
    private static final class Events {
        static final MethodHandle EVENTFD = capturing("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle EPOLL_CREATE1 = capturing("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle EPOLL_CTL = capturing("epoll_ctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        static final MethodHandle EPOLL_WAIT = capturing("epoll_wait",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }

    /** Signals to threads: kicking vCPUs out of KVM_RUN. */
    private static final class Signals {
        static final MethodHandle SIGACTION = capturing("sigaction",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle PTHREAD_SELF = plain("pthread_self", FunctionDescriptor.of(JAVA_LONG));
        static final MethodHandle PTHREAD_KILL = plain("pthread_kill",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
        static final MethodHandle CURRENT_SIGRTMIN = plain("__libc_current_sigrtmin", FunctionDescriptor.of(JAVA_INT));
    }

    /** CPU-time clocks (metrics). */
    private static final class Clock {
        static final MethodHandle CLOCK_GETTIME = capturing("clock_gettime",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    /** Prctl and syscall: installing the seccomp filter. */
    private static final class Seccomp {
        static final MethodHandle PRCTL = capturing("prctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                Linker.Option.firstVariadicArg(1));
        static final MethodHandle SYSCALL3 = capturing("syscall",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(1));
    }

    /** Termios: a console on a terminal. */
    private static final class Terminal {
        static final MethodHandle TCGETATTR = capturing("tcgetattr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        static final MethodHandle TCSETATTR = capturing("tcsetattr",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        static final MethodHandle CFMAKERAW = plain("cfmakeraw", FunctionDescriptor.ofVoid(ADDRESS));
    }

    /** Strerror, for messages. */
    private static final class Errors {
        static final MethodHandle STRERROR = plain("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    private static MethodHandle capturing(String name, FunctionDescriptor fd, Linker.Option... more) {
        Linker.Option[] options = new Linker.Option[more.length + 1];
        options[0] = CAPTURE_ERRNO;
        System.arraycopy(more, 0, options, 1, more.length);
        return LINKER.downcallHandle(symbol(name), fd, options);
    }

    private static MethodHandle plain(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(symbol(name), fd);
    }

    private static MemorySegment symbol(String name) {
        return LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: " + name));
    }

    /** The address of libc's function {@code name}, for use as a C function pointer. */
    public static MemorySegment functionAddress(String name) {
        return symbol(name);
    }

    /** Allocates an errno capture segment in {@code arena}. */
    public static MemorySegment allocateCaptureState(Arena arena) {
        return arena.allocate(CAPTURE_STATE_LAYOUT);
    }

    /** The errno captured by the last call that used {@code state}. */
    public static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** {@code strerror(errno)}, for messages. */
    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) Errors.STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int open(MemorySegment state, MemorySegment path, int flags) {
        try {
            return (int) FileCalls.OPEN.invokeExact(state, path, flags, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int close(MemorySegment state, int fd) {
        try {
            return (int) FileCalls.CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code fcntl(fd, cmd, pointer)}. */
    public static int fcntl(MemorySegment state, int fd, int cmd, MemorySegment arg) {
        try {
            return (int) FileCalls.FCNTL_PTR.invokeExact(state, fd, cmd, arg);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code ioctl(fd, request, pointer)}. */
    public static int ioctl(MemorySegment state, int fd, long request, MemorySegment arg) {
        try {
            return (int) Ioctls.IOCTL_PTR.invokeExact(state, fd, request, arg);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code ioctl(fd, request, integer)}. */
    public static int ioctl(MemorySegment state, int fd, long request, long arg) {
        try {
            return (int) Ioctls.IOCTL_LONG.invokeExact(state, fd, request, arg);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long mmap(MemorySegment state, long addr, long length, int prot, int flags, int fd, long offset) {
        try {
            return (long) Mappings.MMAP.invokeExact(state, addr, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code clock_gettime(clock, ts)}; {@code ts} is a {@code struct timespec} (two longs: seconds, nanoseconds). */
    public static int clockGettime(MemorySegment state, int clock, MemorySegment timespec) {
        try {
            return (int) Clock.CLOCK_GETTIME.invokeExact(state, clock, timespec);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int munmap(MemorySegment state, long addr, long length) {
        try {
            return (int) Mappings.MUNMAP.invokeExact(state, addr, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int madvise(MemorySegment state, long addr, long length, int advice) {
        try {
            return (int) Mappings.MADVISE.invokeExact(state, addr, length, advice);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int eventfd(MemorySegment state, int initval, int flags) {
        try {
            return (int) Events.EVENTFD.invokeExact(state, initval, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long read(MemorySegment state, int fd, MemorySegment buf, long count) {
        try {
            return (long) Io.READ.invokeExact(state, fd, buf, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long write(MemorySegment state, int fd, MemorySegment buf, long count) {
        try {
            return (long) Io.WRITE.invokeExact(state, fd, buf, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long pread(MemorySegment state, int fd, MemorySegment buf, long count, long offset) {
        try {
            return (long) Io.PREAD.invokeExact(state, fd, buf, count, offset);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long pwrite(MemorySegment state, int fd, MemorySegment buf, long count, long offset) {
        try {
            return (long) Io.PWRITE.invokeExact(state, fd, buf, count, offset);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int epoll_create1(MemorySegment state, int flags) {
        try {
            return (int) Events.EPOLL_CREATE1.invokeExact(state, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int epoll_ctl(MemorySegment state, int epfd, int op, int fd, MemorySegment event) {
        try {
            return (int) Events.EPOLL_CTL.invokeExact(state, epfd, op, fd, event);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int epoll_wait(MemorySegment state, int epfd, MemorySegment events, int maxEvents, int timeoutMs) {
        try {
            return (int) Events.EPOLL_WAIT.invokeExact(state, epfd, events, maxEvents, timeoutMs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int sigaction(MemorySegment state, int signal, MemorySegment action, MemorySegment oldAction) {
        try {
            return (int) Signals.SIGACTION.invokeExact(state, signal, action, oldAction);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The calling thread's {@code pthread_t}. */
    public static long pthread_self() {
        try {
            return (long) Signals.PTHREAD_SELF.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Sends {@code signal} to one thread; returns 0 or an error number (pthreads do not set errno). */
    public static int pthread_kill(long thread, int signal) {
        try {
            return (int) Signals.PTHREAD_KILL.invokeExact(thread, signal);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** glibc's SIGRTMIN, which it decides at run time. */
    public static int sigrtmin() {
        try {
            return (int) Signals.CURRENT_SIGRTMIN.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code prctl(option, a2, a3, a4, a5)}. */
    public static int prctl(MemorySegment state, int option, long a2, long a3, long a4, long a5) {
        try {
            return (int) Seccomp.PRCTL.invokeExact(state, option, a2, a3, a4, a5);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code syscall(number, a1, a2, a3)}: a system call libc has no wrapper for (seccomp). */
    public static long syscall(MemorySegment state, long number, long a1, long a2, long a3) {
        try {
            return (long) Seccomp.SYSCALL3.invokeExact(state, number, a1, a2, a3);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int tcgetattr(MemorySegment state, int fd, MemorySegment termios) {
        try {
            return (int) Terminal.TCGETATTR.invokeExact(state, fd, termios);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int tcsetattr(MemorySegment state, int fd, int when, MemorySegment termios) {
        try {
            return (int) Terminal.TCSETATTR.invokeExact(state, fd, when, termios);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Makes {@code termios} raw: no echo, no line editing, no signals from keys, 8-bit input and output. */
    public static void cfmakeraw(MemorySegment termios) {
        try {
            Terminal.CFMAKERAW.invokeExact(termios);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("unexpected checked exception from a downcall", t);
    }
}
