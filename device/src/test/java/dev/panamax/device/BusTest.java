package dev.panamax.device;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BusTest {
    private record Recorder(String name, List<String> log) implements BusDevice {
        public long read(long offset, int size) {
            log.add(name + " read " + offset);
            return offset;
        }

        public void write(long offset, int size, long value) {
            log.add(name + " write " + offset + "=" + value);
        }
    }

    @Test
    void accessesReachTheDeviceAtTheirOffset() {
        List<String> log = new ArrayList<>();
        Bus bus = new Bus();
        bus.register(0x3f8, 8, new Recorder("uart", log));
        bus.register(0x60, 5, new Recorder("kbd", log));
        assertThat(bus.read(0x3fd, 1, -1)).isEqualTo(5);
        assertThat(bus.write(0x64, 1, 0xfe)).isTrue();
        assertThat(bus.read(0x400, 1, 0xff)).isEqualTo(0xff);
        assertThat(bus.read(0x5f, 1, 0xff)).isEqualTo(0xff);
        assertThat(bus.write(0x3f7, 1, 0)).isFalse();
        assertThat(log).containsExactly("uart read 5", "kbd write 4=254");
    }

    @Test
    void overlappingRangesAreRefused() {
        Bus bus = new Bus();
        bus.register(0x100, 0x10, new Recorder("a", new ArrayList<>()));
        assertThatThrownBy(() -> bus.register(0x10f, 1, new Recorder("b", new ArrayList<>())))
                .hasMessageContaining("overlaps");
        assertThatThrownBy(() -> bus.register(0xf8, 9, new Recorder("b", new ArrayList<>())))
                .hasMessageContaining("overlaps");
        bus.register(0x110, 1, new Recorder("c", new ArrayList<>()));
    }
}
