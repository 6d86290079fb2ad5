package dev.panamax.vmm;

import dev.panamax.device.BusDevice;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The exits' view of the machine: claimed accesses reach their device, unclaimed ones read 0. */
class BusesTest {
    private final List<String> log = new ArrayList<>();

    private BusDevice recorder(String name, long answer) {
        return new BusDevice() {
            @Override
            public long read(long offset, int size) {
                log.add(name + " read " + offset + "/" + size);
                return answer;
            }

            @Override
            public void write(long offset, int size, long value) {
                log.add(name + " write " + offset + "/" + size + "=0x" + Long.toHexString(value));
            }
        };
    }

    @Test
    void claimedAccessesReachTheirDeviceOnTheirBus() {
        Buses buses = new Buses();
        buses.pio.register(0x3f8, 8, recorder("uart", 0x60));
        buses.mmio.register(0xd000_0000L, 0x1000, recorder("virtio", 0x7472_6976L));

        assertThat(buses.pioRead(0x3fd, 1)).isEqualTo(0x60);
        buses.pioWrite(0x3f8, 1, 'x');
        assertThat(buses.mmioRead(0xd000_0000L, 4)).isEqualTo(0x7472_6976L);
        buses.mmioWrite(0xd000_0070L, 4, 0xf);
        // a port number is not an MMIO address: the buses are separate
        assertThat(buses.mmioRead(0x3f8, 1)).isZero();

        assertThat(log).containsExactly("uart read 5/1", "uart write 0/1=0x78", "virtio read 0/4",
                "virtio write 112/4=0xf");
    }

    @Test
    void unclaimedReadsAreZeroAndWritesAreDropped() {
        Buses buses = new Buses();
        buses.pio.register(0x60, 5, recorder("kbd", 0xff));

        assertThat(buses.pioRead(0x3fd, 1)).isZero(); // no UART: its LSR "busy" bits read clear
        assertThat(buses.mmioRead(0xfed0_0000L, 8)).isZero();
        buses.pioWrite(0x80, 1, 0x42);
        buses.mmioWrite(0xd000_0000L, 4, 1);

        assertThat(log).isEmpty();
    }

    @Test
    void portWritesReachTheDeviceUnsigned() {
        Buses buses = new Buses();
        buses.pio.register(0xcf8, 4, recorder("pci", 0));

        buses.pioWrite(0xcf8, 4, 0x8000_0000);

        assertThat(log).containsExactly("pci write 0/4=0x80000000");
    }
}
