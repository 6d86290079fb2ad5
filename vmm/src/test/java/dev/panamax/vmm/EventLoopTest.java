package dev.panamax.vmm;

import dev.panamax.kvm.EventFd;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
            loop.start();
            bad.signal();
            good.signal();
            assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(thread.get()).isEqualTo("event-loop");
            loop.close();
            loop.close(); // idempotent
        }
    }
}
