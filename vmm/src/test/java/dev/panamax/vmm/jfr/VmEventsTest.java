package dev.panamax.vmm.jfr;

import dev.panamax.device.MetricsGroup;
import dev.panamax.vcpu.StopReason;
import dev.panamax.vmm.device.BootTime;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The events as {@code jfr} and {@link RecordingFile} read them back from a real recording. */
class VmEventsTest {
    @TempDir
    Path tmp;

    private static MetricsGroup vcpu(long ioIn, long ioOut, long mmioRead, long mmioWrite) {
        return new MetricsGroup("vcpu", "vcpu", Map.of("exit_io_in", ioIn, "exit_io_out", ioOut,
                "exit_mmio_read", mmioRead, "exit_mmio_write", mmioWrite, "failures", 0L));
    }

    private List<RecordedEvent> record(Runnable body) throws Exception {
        Path file = tmp.resolve("events.jfr");
        try (Recording recording = new Recording()) {
            for (String name : List.of("VmStarted", "VmPaused", "VmResumed", "VmStopped", "GuestBootTime")) {
                recording.enable("dev.panamax." + name);
            }
            recording.enable("dev.panamax.VcpuExits").withPeriod(Duration.ofMillis(50));
            recording.start();
            body.run();
            recording.stop();
            recording.dump(file);
        }
        return RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().startsWith("dev.panamax.")).toList();
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals("dev.panamax." + name)).toList();
    }

    @Test
    void lifecycleAndBootTimeEventsCarryTheirFields() throws Exception {
        List<RecordedEvent> events = record(() -> {
            VmEvents.started(2, 256L << 20, "/guest/bzImage", true, 4_000_000L);
            VmEvents.paused(300_000L);
            VmEvents.resumed(100_000L);
            VmEvents.guestBootTime(new BootTime(Duration.ofMillis(152), Duration.ofMillis(97)));
            VmEvents.stopped(new StopReason.Shutdown("system event on vCPU 0"), 9_000_000_000L);
        });

        RecordedEvent started = named(events, "VmStarted").getFirst();
        assertThat(started.getInt("vcpus")).isEqualTo(2);
        assertThat(started.getLong("memory")).isEqualTo(256L << 20);
        assertThat(started.getString("kernel")).isEqualTo("/guest/bzImage");
        assertThat(started.getBoolean("bootTimer")).isTrue();
        assertThat(started.getDuration("took")).isEqualTo(Duration.ofMillis(4));
        assertThat(named(events, "VmPaused").getFirst().getDuration("took")).isEqualTo(Duration.ofNanos(300_000));
        assertThat(named(events, "VmResumed").getFirst().getDuration("took")).isEqualTo(Duration.ofNanos(100_000));
        RecordedEvent boot = named(events, "GuestBootTime").getFirst();
        assertThat(boot.getDuration("bootTime")).isEqualTo(Duration.ofMillis(152));
        assertThat(boot.getDuration("cpuTime")).isEqualTo(Duration.ofMillis(97));
        RecordedEvent stopped = named(events, "VmStopped").getFirst();
        assertThat(stopped.getString("kind")).isEqualTo("Shutdown");
        assertThat(stopped.getString("reason")).isEqualTo("guest shut down (system event on vCPU 0)");
        assertThat(stopped.getDuration("uptime")).isEqualTo(Duration.ofSeconds(9));
        assertThat(events.stream().map(e -> e.getEventType().getCategoryNames()).distinct())
                .containsExactly(List.of("Panamax"));
    }

    @Test
    void exitEventsCarryEachVcpusExitsSinceTheLastOne() throws Exception {
        AtomicReference<List<MetricsGroup>> counts = new AtomicReference<>(List.of(vcpu(5, 7, 0, 2), vcpu(0, 0, 3, 1)));
        VcpuExitSampler sampler = new VcpuExitSampler(counts::get);
        List<RecordedEvent> events = record(() -> {
            sampler.run();
            counts.set(List.of(vcpu(8, 7, 1, 2), vcpu(0, 0, 3, 11)));
            sampler.run();
        });

        List<RecordedEvent> exits = named(events, "VcpuExits");
        assertThat(exits).extracting(e -> e.getInt("vcpu")).containsExactly(0, 1, 0, 1);
        assertThat(exits).extracting(e -> List.of(e.getLong("ioIn"), e.getLong("ioOut"), e.getLong("mmioRead"),
                e.getLong("mmioWrite"))).containsExactly(
                        List.of(5L, 7L, 0L, 2L), List.of(0L, 0L, 3L, 1L),
                        List.of(3L, 0L, 1L, 0L), List.of(0L, 0L, 0L, 10L));
    }

    @Test
    void onceRegisteredTheRecorderSamplesEveryPeriod() throws Exception {
        AtomicReference<List<MetricsGroup>> counts = new AtomicReference<>(List.of(vcpu(0, 0, 0, 0)));
        try (VcpuExitSampler sampler = new VcpuExitSampler(counts::get)) {
            List<RecordedEvent> events = record(() -> {
                sampler.register();
                // 3 s of 100 ms steps: JFR's periodic thread gets its turns even on a loaded host
                for (int i = 1; i <= 30; i++) {
                    counts.set(List.of(vcpu(10L * i, 0, 0, i)));
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
                sampler.run(); // the last counts, however the periods fell
            });
            List<RecordedEvent> exits = named(events, "VcpuExits");
            // more than the one run() above: JFR's periodic thread ran the hook too
            assertThat(exits.size()).isGreaterThan(1);
            assertThat(exits.stream().mapToLong(e -> e.getLong("ioIn")).sum()).isEqualTo(300);
            assertThat(exits.stream().mapToLong(e -> e.getLong("mmioWrite")).sum()).isEqualTo(30);
        }
    }
}
