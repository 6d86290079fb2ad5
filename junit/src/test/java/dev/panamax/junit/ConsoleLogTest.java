package dev.panamax.junit;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleLogTest {
    @Test
    void aSlowConsumerNeverHoldsUpTheGuestAndGetsEveryLineInOrder() throws Exception {
        ConsoleLog log = new ConsoleLog("test/console-consumers");
        CountDownLatch release = new CountDownLatch(1);
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        log.addConsumer(line -> {
            threads.add(Thread.currentThread().getName());
            try {
                release.await(10, TimeUnit.SECONDS); // stuck until the writer is done
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            seen.add(line);
        });
        long t0 = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            log.write(("line " + i + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(log.await(Pattern.compile("line 999"), Duration.ZERO, () -> true)).isNotNull();
        release.countDown();
        log.finish();
        assertThat(seen).hasSize(1000).startsWith("line 0", "line 1").endsWith("line 999");
        assertThat(threads).containsOnly("test/console-consumers");
    }
}
