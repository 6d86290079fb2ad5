package dev.panamax.virtio;

/** Device status bits (virtio 1.x, "Device Status Field"). */
final class DeviceStatus {
    /** The guest found the device. */
    static final int ACKNOWLEDGE = 1;
    /** The guest knows how to drive it. */
    static final int DRIVER = 2;
    /** The driver is set up and the device may run. */
    static final int DRIVER_OK = 4;
    /** Feature negotiation is complete. */
    static final int FEATURES_OK = 8;
    /** Set by the device: it hit an error it cannot recover from without a reset. */
    static final int DEVICE_NEEDS_RESET = 0x40;
    /** Set by the driver: it gave up on the device. */
    static final int FAILED = 0x80;

    private DeviceStatus() {}
}
