package dev.panamax.kvm;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class EpollTest {
    @Test
    void reportsTheTokensOfSignalledEventFds() throws Exception {
        try (Epoll epoll = Epoll.create(); EventFd a = EventFd.create(); EventFd b = EventFd.create()) {
            epoll.watch(a.fd(), 7);
            epoll.watch(b.fd(), 42);
            CompletableFuture<long[]> woke = CompletableFuture.supplyAsync(() -> {
                long[] tokens = new long[4];
                int n = epoll.await(tokens);
                return java.util.Arrays.copyOf(tokens, n);
            });
            Thread.sleep(100);
            assertThat(woke).isNotDone();
            b.signal();
            assertThat(woke.get(5, TimeUnit.SECONDS)).containsExactly(42);
        }
    }
}
