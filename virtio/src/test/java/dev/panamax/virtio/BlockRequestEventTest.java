package dev.panamax.virtio;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** dev.panamax.BlockRequest events from real requests, read back from a recording. */
class BlockRequestEventTest {
    @TempDir
    Path dir;
    private BlockDevice disk;
    private MockDriver driver;

    @AfterEach
    void close() throws IOException {
        driver.close();
        disk.close();
    }

    private BlockClient start(BlockDevice.Flusher flusher) throws IOException {
        Path image = dir.resolve("disk.img");
        Files.write(image, new byte[64 * 512]);
        disk = BlockDevice.open(image, false, "scratch", flusher);
        driver = new MockDriver(disk);
        driver.probe(MockDriver.VERSION_1);
        return new BlockClient(driver);
    }

    private List<RecordedEvent> record(Duration threshold, Runnable requests) throws IOException {
        Path file = dir.resolve("block.jfr");
        try (Recording recording = new Recording()) {
            var setting = recording.enable("dev.panamax.BlockRequest");
            if (threshold != null) {
                setting.withThreshold(threshold);
            }
            recording.start();
            assertThat(BlockRequestEvent.wanted()).as("wanted while a recording enables it").isTrue();
            requests.run();
            recording.stop();
            recording.dump(file);
        }
        assertThat(BlockRequestEvent.wanted()).as("not wanted (and not made) once no recording runs").isFalse();
        return RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals("dev.panamax.BlockRequest")).toList();
    }

    @Test
    void everyRequestIsRecordedWithAZeroThreshold() throws IOException {
        BlockClient c = start(BlockDevice.Flusher.FSYNC);
        List<RecordedEvent> events = record(Duration.ZERO, () -> {
            assertThat(c.read(5, 3 * 512).status()).isEqualTo(BlockDevice.S_OK);
            assertThat(c.write(9, new byte[1024]).status()).isEqualTo(BlockDevice.S_OK);
            assertThat(c.read(63, 1024).status()).isEqualTo(BlockDevice.S_IOERR); // past the end
        });

        assertThat(events).extracting(e -> List.of(e.getString("drive"), e.getString("type"), e.getLong("sector"),
                e.getLong("bytes"), (long) e.getInt("status"))).containsExactly(
                        List.of("scratch", "read", 5L, 1536L, 0L),
                        List.of("scratch", "write", 9L, 1024L, 0L),
                        List.of("scratch", "read", 63L, 0L, 1L));
    }

    @Test
    void byDefaultOnlyRequestsSlowerThanTenMillisecondsAreRecorded() throws IOException {
        BlockClient c = start(file -> {
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        });
        List<RecordedEvent> events = record(null, () -> {
            assertThat(c.run(BlockClient.T_FLUSH, 0, null, 0).status()).isEqualTo(BlockDevice.S_OK);
        });

        assertThat(events).hasSize(1);
        assertThat(events.getFirst().getString("type")).isEqualTo("flush");
        assertThat(events.getFirst().getDuration()).isGreaterThanOrEqualTo(Duration.ofMillis(30));
    }
}
