package dev.panamax.vmm;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RunningClockTest {
    @Test
    void standsStillWhilePausedAndGoesOnFromThere() {
        AtomicLong now = new AtomicLong(1_000);
        RunningClock clock = new RunningClock(now::get);
        assertThat(clock.nanos()).isEqualTo(1_000);
        now.set(1_500);
        clock.pause();
        clock.pause(); // again: harmless
        now.set(9_000);
        assertThat(clock.nanos()).isEqualTo(1_500);
        clock.resume();
        now.set(9_100);
        assertThat(clock.nanos()).isEqualTo(1_600);
        clock.resume(); // when running: harmless
        assertThat(clock.nanos()).isEqualTo(1_600);
    }
}
