package dev.panamax.bench;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmarks' console: the marker is seen wherever the writes split it, and only whole. */
class ConsoleMarkerTest {
    @Test
    void markerSplitAcrossWritesIsSeenOnceItsLastByteArrives() throws Exception {
        ConsoleMarker console = new ConsoleMarker();
        console.write("[    0.1] booting\r\nPANAMAX-IN".getBytes(StandardCharsets.US_ASCII));
        assertThat(console.marker()).isNotDone();
        long before = System.nanoTime();
        console.write("IT-OK\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(console.marker()).isDone();
        assertThat(console.marker().get()).isGreaterThanOrEqualTo(before);
    }

    @Test
    void aPrefixOrABrokenMarkerIsNotTheMarker() throws Exception {
        ConsoleMarker console = new ConsoleMarker();
        console.write("PANAMAX-INIT-O\nPANAMAX-INIT-K\nPANAMAX-PANAMAX-INIT".getBytes(StandardCharsets.US_ASCII));
        assertThat(console.marker()).isNotDone();
    }

    @Test
    void lastOutputIsTheLastLineWithin512Bytes() throws Exception {
        ConsoleMarker console = new ConsoleMarker();
        console.write("x".repeat(2000).concat("\nKernel panic - not syncing\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(console.lastOutput()).isEqualTo("Kernel panic - not syncing");
    }
}
