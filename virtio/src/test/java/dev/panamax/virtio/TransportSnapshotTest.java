package dev.panamax.virtio;

import dev.panamax.virtio.DriverQueue.Buf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A transport's state saved from one device and restored into a fresh one over the same RAM. */
class TransportSnapshotTest {
    private final RecordingDevice original = new RecordingDevice(2, 16);
    private final MockDriver driver = new MockDriver(original);

    @AfterEach
    void close() {
        driver.close();
    }

    private VirtioMmioDevice fresh(RecordingDevice device) {
        return new VirtioMmioDevice(driver.memory, device, () -> { }, q -> { });
    }

    @Test
    void aRestoredTransportGoesOnWithTheRingsWhereTheOldOneLeftThem() {
        long features = MockDriver.VERSION_1 | MockDriver.EVENT_IDX;
        driver.probe(features, 2, 16);
        DriverQueue q = driver.queue(0);
        long buffer = driver.alloc(64, 8);
        for (int i = 0; i < 3; i++) {
            q.submit(List.of(Buf.in(buffer, 8)));
        }
        driver.kick(0);
        assertThat(q.usedIdx()).isEqualTo(3);
        q.submit(List.of(Buf.in(buffer + 8, 16))); // made available, not yet seen by the device
        driver.reg(MmioRegister.QUEUE_SEL, 1);

        TransportState saved = driver.device.saveState();
        DeviceState device = driver.device.saveDeviceState();
        assertThat(saved.status()).isEqualTo(DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER | DeviceStatus.FEATURES_OK
                | DeviceStatus.DRIVER_OK);
        assertThat(saved.queues().get(0).nextAvail()).isEqualTo(3);
        assertThat(device).isEqualTo(new DeviceState.Stateless(0x2a));

        RecordingDevice restoredDevice = new RecordingDevice(2, 16);
        VirtioMmioDevice restored = fresh(restoredDevice);
        restored.restoreState(saved, device);
        assertThat(restoredDevice.activations).isEqualTo(1);
        assertThat(restoredDevice.ackedFeatures).isEqualTo(features);
        assertThat(restored.read(MmioRegister.STATUS, 4)).isEqualTo(saved.status());
        assertThat(restored.read(MmioRegister.QUEUE_READY, 4)).as("queue 1 selected, ready").isEqualTo(1);
        restored.processQueue(0);
        assertThat(restoredDevice.chains).as("only the chain the old device had not served").hasSize(1);
        assertThat(restoredDevice.chains.get(0).toList().get(0).length()).isEqualTo(16);
        assertThat(q.usedIdx()).isEqualTo(4);
        assertThat(restored.saveState()).isEqualTo(new TransportState(saved.deviceType(), saved.status(),
                saved.driverFeatures(), saved.deviceFeaturesSel(), saved.driverFeaturesSel(), saved.queueSel(),
                restored.saveState().interruptStatus(), saved.configGeneration(), true,
                List.of(new TransportState.QueueState(16, true, saved.queues().get(0).descTable(),
                        saved.queues().get(0).availRing(), saved.queues().get(0).usedRing(), true, 4, 4, 4),
                        saved.queues().get(1))));
    }

    @Test
    void aStateOfAnotherDeviceOrWithRingsOutsideRamIsRefusedInOneLine() {
        driver.probe(MockDriver.VERSION_1, 2, 16);
        TransportState saved = driver.device.saveState();
        assertThatThrownBy(() -> fresh(new RecordingDevice(2, 16)).restoreState(saved, new DeviceState.Vsock(3)))
                .hasMessage("virtio device type 42: the snapshot has device type 19 in its place");
        assertThatThrownBy(() -> fresh(new RecordingDevice(3, 16)).restoreState(saved, new DeviceState.Stateless(0x2a)))
                .hasMessage("virtio device type 42: the snapshot has 2 queues, the device 3");
        TransportState.QueueState q = saved.queues().get(0);
        TransportState outside = new TransportState(saved.deviceType(), saved.status(), saved.driverFeatures(), 0, 0, 0,
                0, 0, true, List.of(new TransportState.QueueState(16, true, MockDriver.RAM_SIZE, q.availRing(),
                        q.usedRing(), true, 0, 0, 0), saved.queues().get(1)));
        assertThatThrownBy(() -> fresh(new RecordingDevice(2, 16)).restoreState(outside, new DeviceState.Stateless(0x2a)))
                .hasMessageStartingWith("virtio device type 42: queue 0: descriptor table [0x100000, +0x100) is outside guest RAM");
    }
}
