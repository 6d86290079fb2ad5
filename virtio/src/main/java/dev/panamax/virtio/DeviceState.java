package dev.panamax.virtio;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * What a snapshot records of a virtio device beyond its transport ({@link TransportState}): who
 * it is, so that a restore can check the device it opened is the one the guest knew. Each device
 * makes its own ({@link VirtioDevice#saveState()}) and checks one against itself
 * ({@link VirtioDevice#restoreState}).
 */
public sealed interface DeviceState {
    /** The virtio device ID. */
    int deviceType();

    /** A device with nothing to record beyond its type (virtio-rng). */
    record Stateless(int deviceType) implements DeviceState {}

    /**
     * A drive: its image must still have {@code sectors} sectors (the guest knows its size) and
     * the same mode; the path is where it was, which a restore may change.
     */
    record Block(String driveId, Path path, boolean readOnly, boolean offersFlush, long sectors) implements DeviceState {
        @Override
        public int deviceType() {
            return BlockDevice.DEVICE_TYPE;
        }
    }

    /** A network interface: its id and the MAC the guest was given, if any. */
    record Net(String ifaceId, OptionalLong mac) implements DeviceState {
        @Override
        public int deviceType() {
            return NetDevice.DEVICE_TYPE;
        }
    }

    /** vsock: the guest's context ID. Its connections are not kept: the guest is told they were reset. */
    record Vsock(long guestCid) implements DeviceState {
        @Override
        public int deviceType() {
            return dev.panamax.virtio.vsock.VsockDevice.DEVICE_TYPE;
        }
    }
}
