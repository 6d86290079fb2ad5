package dev.panamax.vmm.device;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class BootTimerTest {
    private final AtomicLong wall = new AtomicLong(1_000_000_000L);
    private final AtomicLong cpu = new AtomicLong(40_000_000L);
    private final List<BootTime> measured = new ArrayList<>();
    private final BootTimer timer = new BootTimer(wall::get, cpu::get, wall.get(), cpu.get(), measured::add);

    @Test
    void theMagicByteAtOffsetZeroMeasuresFromTheStart() {
        wall.addAndGet(123_456_789L);
        cpu.addAndGet(45_678_000L);
        timer.write(0, 1, BootTimer.MAGIC);

        assertThat(measured).containsExactly(new BootTime(Duration.ofNanos(123_456_789L), Duration.ofNanos(45_678_000L)));
        assertThat(measured.getFirst().describe())
                .isEqualTo("Guest-boot-time = 123456 us 123 ms,  45678 CPU us 45 CPU ms");
    }

    @Test
    void onlyTheFirstByteOfAWiderWriteCounts() {
        timer.write(0, 4, 0xFFFF_FF00L | BootTimer.MAGIC);
        timer.write(0, 4, (long) BootTimer.MAGIC << 8);
        assertThat(measured).hasSize(1);
    }

    @Test
    void otherValuesAndOffsetsAreIgnoredAndReadsAreZero() {
        timer.write(0, 1, 122);
        timer.write(1, 1, BootTimer.MAGIC);
        timer.write(0xFFF, 1, BootTimer.MAGIC);
        assertThat(measured).isEmpty();
        assertThat(timer.read(0, 1)).isZero();
        assertThat(timer.read(8, 8)).isZero();
    }

    @Test
    void everySignalIsMeasuredAgain() {
        timer.write(0, 1, BootTimer.MAGIC);
        wall.addAndGet(2_000_000L);
        timer.write(0, 1, BootTimer.MAGIC);
        assertThat(measured).extracting(BootTime::wall)
                .containsExactly(Duration.ZERO, Duration.ofMillis(2));
    }
}
