package dev.panamax.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.panamax.device.MetricsGroup;
import dev.panamax.kvm.testing.BootsLinux;
import dev.panamax.vcpu.StopReason;
import dev.panamax.vmm.Console;
import dev.panamax.vmm.MicroVm;
import dev.panamax.vmm.VmConfig;
import dev.panamax.vmm.boot.BootProtocol;
import dev.panamax.vmm.device.BootTimer;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The boot timer, the metrics and the JFR events of a real boot: the test guest's init writes
 * 123 to 0xc0000000 ({@code pmx_boot_timer=1}) and reboots; the log line, {@link MicroVm#bootTime()},
 * the counters and a recording of the whole run must agree.
 */
@BootsLinux
class ObservabilityIT {
    private static final Pattern BOOT_LINE =
            Pattern.compile("Guest-boot-time = +(\\d+) us (\\d+) ms, +(\\d+) CPU us (\\d+) CPU ms");

    @TempDir
    Path tmp;

    private static VmConfig guest(int cpus) {
        return new VmConfig(new VmConfig.BootSource(TestHost.guestArtifact("bzImage"),
                Optional.of(TestHost.guestArtifact("initramfs.cpio.gz")),
                GuestSession.QUIET + " pmx_boot_timer=1 pmx_after=reboot", BootProtocol.LINUX_64),
                new VmConfig.Machine(cpus, 128), List.of(), Optional.of(new VmConfig.Entropy())).withBootTimer(true);
    }

    private record Run(List<MetricsGroup> metrics, Duration bootTime, StopReason stop) {}

    /** Boots the guest, which signals the boot timer and reboots at once. */
    private static Run boot(VmConfig config) throws Exception {
        return BootHang.retriedOnceInNestedHost(() -> {
            GuestConsole console = new GuestConsole();
            MicroVm vm = MicroVm.start(config, new Console(Optional.empty(), console));
            try {
                Optional<StopReason> stop = vm.awaitStop(GuestSession.TIMEOUT);
                if (stop.isEmpty()) {
                    throw BootHang.of(vm, "the guest did not reboot; console: " + console.text(), null);
                }
                assertThat(console.text()).contains(GuestSession.MARKER);
                return new Run(vm.metrics(), vm.bootTime().orElseThrow(), stop.get());
            } finally {
                vm.close();
            }
        });
    }

    @Test
    void aBootIsTimedCountedAndRecorded() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger(BootTimer.class);
        Level level = log.getLevel();
        log.setLevel(Level.INFO); // the nested host's runner logs Warning and up only
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        log.addAppender(lines);
        Path file = tmp.resolve("boot.jfr");
        Run run;
        try (Recording recording = new Recording(Configuration.getConfiguration("default"))) {
            recording.start();
            run = boot(guest(2));
            recording.stop();
            recording.dump(file);
        } finally {
            log.detachAppender(lines);
            log.setLevel(level);
        }

        assertThat(run.stop()).isEqualTo(new StopReason.Reset("i8042 reset command"));
        // the log line, as Firecracker writes it, and MicroVm.bootTime() say the same
        List<String> logged = lines.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("Guest-boot-time")).toList();
        assertThat(logged).hasSize(1);
        System.out.println("[observability] " + logged.getFirst());
        Matcher m = BOOT_LINE.matcher(logged.getFirst());
        assertThat(m.matches()).as(logged.getFirst()).isTrue();
        long us = Long.parseLong(m.group(1));
        long cpuUs = Long.parseLong(m.group(3));
        assertThat(Long.parseLong(m.group(2))).isEqualTo(us / 1000);
        assertThat(Long.parseLong(m.group(4))).isEqualTo(cpuUs / 1000);
        assertThat(us).isEqualTo(run.bootTime().toNanos() / 1000)
                .isBetween(10_000L, GuestSession.TIMEOUT.toMillis() * 1000);
        assertThat(cpuUs).isPositive();

        // the counters: both vCPUs exited to Panamax, the rng device's queue was served
        List<MetricsGroup> vcpus = run.metrics().stream().filter(g -> g.name().equals("vcpu")).toList();
        assertThat(vcpus).hasSize(2);
        assertThat(vcpus.stream().mapToLong(g -> g.counters().get("exit_io_out")).sum()).isPositive(); // the console
        // virtio-mmio registers and the boot timer
        assertThat(vcpus.stream().mapToLong(g -> g.counters().get("exit_mmio_write")).sum()).isPositive();
        MetricsGroup vmm = run.metrics().stream().filter(g -> g.name().equals("vmm")).findFirst().orElseThrow();
        assertThat(vmm.counters().get("device_events")).isPositive();

        // the recording: lifecycle, boot time and per-second exit counts
        List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().startsWith("dev.panamax.")).toList();
        RecordedEvent started = only(events, "VmStarted");
        assertThat(started.getInt("vcpus")).isEqualTo(2);
        assertThat(started.getBoolean("bootTimer")).isTrue();
        assertThat(only(events, "GuestBootTime").getDuration("bootTime")).isEqualTo(Duration.ofNanos(us * 1000));
        RecordedEvent stopped = only(events, "VmStopped");
        assertThat(stopped.getString("kind")).isEqualTo("Reset");
        List<RecordedEvent> exits = named(events, "VcpuExits");
        System.out.println("[observability] " + exits.size() + " VcpuExits events; " + vcpus);
        // RecordedEvent.toString() is jfr print's format: an excerpt for the README
        for (RecordedEvent e : List.of(started, only(events, "GuestBootTime"), exits.getFirst(), stopped)) {
            System.out.println("[observability] " + e.toString().replace("\n", "\n[observability] "));
        }
        assertThat(exits).extracting(e -> e.getInt("vcpu")).contains(0, 1);
        for (int cpu = 0; cpu < 2; cpu++) {
            int id = cpu;
            long sampledOut = exits.stream().filter(e -> e.getInt("vcpu") == id).mapToLong(e -> e.getLong("ioOut")).sum();
            // sampled each second while running; the last second's exits may come after the last sample
            assertThat(sampledOut).isLessThanOrEqualTo(vcpus.get(cpu).counters().get("exit_io_out"));
        }
        assertThat(exits.stream().mapToLong(e -> e.getLong("ioOut")).sum()).isPositive();
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals("dev.panamax." + name)).toList();
    }

    private static RecordedEvent only(List<RecordedEvent> events, String name) {
        List<RecordedEvent> found = named(events, name);
        assertThat(found).as(name).hasSize(1);
        return found.getFirst();
    }
}
