package dev.panamax.vmm;

import dev.panamax.device.Counter;
import dev.panamax.kvm.Epoll;
import dev.panamax.kvm.EventFd;
import dev.panamax.kvm.FileDescriptor;
import dev.panamax.kvm.sys.Libc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code event-loop} thread: waits on eventfds (a guest's queue notifications through
 * ioeventfd) and on other descriptors' readiness (a TAP with frames for the guest), and runs
 * each one's handler on this one thread, so device queues are served without vCPU exits to
 * Java. Handlers are registered before {@link #start()}; a handler that throws is logged and
 * the loop goes on.
 *
 * <p>{@link #pause()} holds the handlers back while the VM is paused (they touch guest memory),
 * and nothing that arrives meanwhile is lost: signals stay counted in their eventfds; an
 * edge-triggered descriptor's readiness is either among the events the loop already took from
 * epoll_wait (they are handled once {@link #resume()} lets the loop go on) or still queued in
 * epoll, which reports it at the next wait, since an edge stays reported until it is fetched.
 */
final class EventLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);
    private static final long STOP_TOKEN = -1;

    private final Epoll epoll = Epoll.create();
    private final EventFd stopSignal = EventFd.create();
    private final List<Runnable> handlers = new ArrayList<>();
    /** Handler runs (Firecracker's {@code vmm.device_events}); counted by the loop thread alone. */
    private final Counter deviceEvents = new Counter();
    private final Object pauseLock = new Object();
    private Thread thread;
    private volatile boolean stopping;
    /** Guarded by pauseLock: no handler may start. */
    private boolean paused;
    /** Guarded by pauseLock: the loop thread is running handlers. */
    private boolean handling;

    EventLoop() {
        epoll.watch(stopSignal.fd(), STOP_TOKEN);
    }

    /** Runs {@code handler} on the loop thread each time {@code source} is signalled (after draining it). */
    void add(EventFd source, Runnable handler) {
        register(source, Libc.EPOLLIN, () -> {
            source.drain();
            handler.run();
        });
    }

    /**
     * Runs {@code handler} on the loop thread each time {@code source} becomes readable
     * (edge-triggered, nothing drained): the handler must read until nothing is left, or know
     * what else will run it again (a network device stops reading while the guest has no
     * buffers, and the guest's kick resumes it).
     */
    void addReadable(FileDescriptor source, Runnable handler) {
        register(source, Libc.EPOLLIN | (int) Libc.EPOLLET, handler);
    }

    private void register(FileDescriptor source, int events, Runnable handler) {
        if (thread != null) {
            throw new IllegalStateException("event loop already running");
        }
        epoll.watch(source.fd(), events, handlers.size());
        handlers.add(handler);
    }

    /** How many times a handler has run; from any thread. */
    long deviceEvents() {
        return deviceEvents.get();
    }

    /** Starts the loop's thread, named {@code name}. */
    void start(String name) {
        thread = Thread.ofPlatform().name(name).daemon().start(this::loop);
    }

    private void loop() {
        long[] ready = new long[64];
        while (!stopping) {
            int n = epoll.await(ready);
            if (!startHandling()) {
                return;
            }
            try {
                handle(ready, n);
            } finally {
                endHandling();
            }
        }
    }

    private void handle(long[] ready, int n) {
        for (int i = 0; i < n; i++) {
            int token = (int) ready[i];
            if (ready[i] == STOP_TOKEN) {
                continue;
            }
            deviceEvents.increment();
            try {
                handlers.get(token).run();
            } catch (RuntimeException e) {
                LOG.warn("event handler {} failed", token, e);
            }
        }
    }

    /** Waits while paused; false when the loop is closing instead. */
    private boolean startHandling() {
        synchronized (pauseLock) {
            while (paused && !stopping) {
                try {
                    pauseLock.wait();
                } catch (InterruptedException e) {
                    return false; // nobody interrupts this thread; ending is all it could mean
                }
            }
            handling = !stopping;
            return handling;
        }
    }

    private void endHandling() {
        synchronized (pauseLock) {
            handling = false;
            pauseLock.notifyAll();
        }
    }

    /** Returns once no handler runs, and none will start until {@link #resume()}; again is harmless. */
    void pause() throws InterruptedException {
        synchronized (pauseLock) {
            paused = true;
            while (handling) {
                pauseLock.wait();
            }
        }
    }

    /** Lets handlers run again, first those whose eventfds were signalled while paused. */
    void resume() {
        synchronized (pauseLock) {
            paused = false;
            pauseLock.notifyAll();
        }
    }

    /** The loop's thread and where it is (its top frames), for a stall report. */
    String describe() {
        Thread t = thread;
        if (t == null) {
            return "event loop not started";
        }
        StackTraceElement[] stack = t.getStackTrace();
        return "event loop " + t.getName() + " " + t.getState() + " at " + java.util.Arrays.stream(stack).limit(4)
                .map(StackTraceElement::toString).collect(java.util.stream.Collectors.joining(" < "));
    }

    /** Stops the loop thread and waits for it; later calls do nothing. */
    @Override
    public synchronized void close() throws InterruptedException {
        if (stopping) {
            return;
        }
        stopping = true;
        synchronized (pauseLock) {
            pauseLock.notifyAll(); // a paused loop ends too
        }
        stopSignal.signal();
        if (thread != null) {
            thread.join();
        }
        epoll.close();
        stopSignal.close();
    }
}
