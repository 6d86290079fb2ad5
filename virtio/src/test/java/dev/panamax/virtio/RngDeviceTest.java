package dev.panamax.virtio;

import dev.panamax.virtio.DriverQueue.Buf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** virtio-rng through the mmio transport. */
class RngDeviceTest {
    private final MockDriver driver = new MockDriver(new RngDevice());

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void fillsWritableBuffersWithRandomBytes() {
        driver.probe(MockDriver.VERSION_1);
        assertThat(driver.reg(MmioRegister.DEVICE_ID)).isEqualTo(4);
        DriverQueue q = driver.queue(0);
        long a = driver.alloc(64, 8);
        long b = driver.alloc(100, 8);
        int head = q.submit(List.of(Buf.out(a, 64), Buf.out(b, 100)));
        driver.kick(0);
        assertThat(q.takeUsed()).containsExactly(new DriverQueue.Used(head, 164));
        assertThat(driver.memory.read(a, 64)).isNotEqualTo(new byte[64]);
        assertThat(driver.memory.read(b, 100)).isNotEqualTo(new byte[100]);
        assertThat(driver.interrupts).hasValue(1);
    }

    @Test
    void capsOneRequest() {
        driver.probe(MockDriver.VERSION_1);
        DriverQueue q = driver.queue(0);
        long big = driver.alloc(RngDevice.MAX_BYTES_PER_REQUEST + 4096, 4096);
        int head = q.submit(List.of(Buf.out(big, RngDevice.MAX_BYTES_PER_REQUEST + 4096)));
        driver.kick(0);
        assertThat(q.takeUsed()).containsExactly(new DriverQueue.Used(head, RngDevice.MAX_BYTES_PER_REQUEST));
        assertThat(driver.memory.read(big + RngDevice.MAX_BYTES_PER_REQUEST, 4096)).isEqualTo(new byte[4096]);
    }

    @Test
    void readableAndUnreachableBuffersGetNothing() {
        driver.probe(MockDriver.VERSION_1);
        DriverQueue q = driver.queue(0);
        long a = driver.alloc(16, 8);
        int head = q.submit(List.of(Buf.in(a, 16), Buf.out(a, 16), Buf.out(MockDriver.RAM_SIZE - 8, 16), Buf.out(a, 16)));
        driver.kick(0);
        assertThat(q.takeUsed()).containsExactly(new DriverQueue.Used(head, 16));
        assertThat(driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isZero();
    }
}
