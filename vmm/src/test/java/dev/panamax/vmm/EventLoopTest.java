package dev.panamax.vmm;

import dev.panamax.kvm.EventFd;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class EventLoopTest {
    @Test
    void handlersRunOnTheLoopThreadAndAFailingHandlerDoesNotStopIt() throws Exception {
        try (EventFd bad = EventFd.create(); EventFd good = EventFd.create()) {
            CountDownLatch ran = new CountDownLatch(1);
            AtomicReference<String> thread = new AtomicReference<>();
            EventLoop loop = new EventLoop();
            loop.add(bad, () -> {
                throw new IllegalStateException("device bug");
            });
            loop.add(good, () -> {
                thread.set(Thread.currentThread().getName());
                ran.countDown();
            });
            loop.start("event-loop");
            bad.signal();
            good.signal();
            assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(thread.get()).isEqualTo("event-loop");
            loop.close();
            loop.close(); // idempotent
        }
    }

    @Test
    void pausedLoopRunsNoHandlerAndServesWhatArrivedOnceResumed() throws Exception {
        try (EventFd doorbell = EventFd.create()) {
            AtomicInteger runs = new AtomicInteger();
            EventLoop loop = new EventLoop();
            loop.add(doorbell, runs::incrementAndGet);
            loop.start("event-loop");
            loop.pause();
            loop.pause(); // idempotent
            doorbell.signal();
            doorbell.signal();
            Thread.sleep(200);
            assertThat(runs).as("nothing runs while paused").hasValue(0);
            loop.resume();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (runs.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertThat(runs).as("both signals served by one run").hasValue(1);
            assertThat(doorbell.drain()).isZero();
            loop.close();
        }
    }

    @Test
    void pauseWaitsForTheRunningHandlerAndCloseEndsAPausedLoop() throws Exception {
        try (EventFd doorbell = EventFd.create()) {
            CountDownLatch inHandler = new CountDownLatch(1);
            CountDownLatch finish = new CountDownLatch(1);
            EventLoop loop = new EventLoop();
            loop.add(doorbell, () -> {
                inHandler.countDown();
                try {
                    finish.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            loop.start("event-loop");
            doorbell.signal();
            assertThat(inHandler.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> paused = CompletableFuture.runAsync(() -> {
                try {
                    loop.pause();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(100);
            assertThat(paused).as("a handler still runs").isNotDone();
            finish.countDown();
            paused.get(5, TimeUnit.SECONDS);
            loop.close(); // while paused
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("event-loop"));
        }
    }

    /**
     * A readable descriptor is watched edge-triggered and not drained: its handler runs once per
     * new readiness, not again and again while it stays readable; readiness that comes while
     * paused is served after resume. An eventfd stands in for a TAP (it is never drained here).
     */
    @Test
    void readableDescriptorsRunTheirHandlerOncePerEdgeAndNotWhilePaused() throws Exception {
        try (EventFd tap = EventFd.create()) {
            AtomicInteger runs = new AtomicInteger();
            EventLoop loop = new EventLoop();
            loop.addReadable(tap, runs::incrementAndGet);
            loop.start("event-loop");
            tap.signal();
            awaitRuns(runs, 1);
            Thread.sleep(200);
            assertThat(runs).as("still readable, but no new edge").hasValue(1);
            tap.signal();
            awaitRuns(runs, 2);

            loop.pause();
            tap.signal();
            Thread.sleep(200);
            assertThat(runs).as("nothing runs while paused").hasValue(2);
            loop.resume();
            awaitRuns(runs, 3);
            assertThat(tap.drain()).as("the loop never drained it").isEqualTo(3);
            loop.close();
        }
    }

    private static void awaitRuns(AtomicInteger runs, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (runs.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(runs).hasValue(expected);
    }
}
