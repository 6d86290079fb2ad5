package dev.panamax.virtio;

/**
 * virtio-mmio version 2 register offsets within a device's window (virtio 1.x, "MMIO Device
 * Register Layout"). Registers are 32 bits wide; the device configuration space follows at
 * {@link #CONFIG}.
 */
final class MmioRegister {
    static final int MAGIC_VALUE = 0x000;
    static final int VERSION = 0x004;
    static final int DEVICE_ID = 0x008;
    static final int VENDOR_ID = 0x00c;
    static final int DEVICE_FEATURES = 0x010;
    static final int DEVICE_FEATURES_SEL = 0x014;
    static final int DRIVER_FEATURES = 0x020;
    static final int DRIVER_FEATURES_SEL = 0x024;
    static final int QUEUE_SEL = 0x030;
    static final int QUEUE_NUM_MAX = 0x034;
    static final int QUEUE_NUM = 0x038;
    static final int QUEUE_READY = 0x044;
    static final int QUEUE_NOTIFY = 0x050;
    static final int INTERRUPT_STATUS = 0x060;
    static final int INTERRUPT_ACK = 0x064;
    static final int STATUS = 0x070;
    static final int QUEUE_DESC_LOW = 0x080;
    static final int QUEUE_DESC_HIGH = 0x084;
    static final int QUEUE_DRIVER_LOW = 0x090;
    static final int QUEUE_DRIVER_HIGH = 0x094;
    static final int QUEUE_DEVICE_LOW = 0x0a0;
    static final int QUEUE_DEVICE_HIGH = 0x0a4;
    static final int CONFIG_GENERATION = 0x0fc;
    static final int CONFIG = 0x100;

    /** One device's window: 4 KiB, as the kernel command line announces it. */
    static final int WINDOW_SIZE = 0x1000;

    /** "virt" in little-endian ASCII. */
    static final int MAGIC = 0x74726976;
    /** The modern (virtio 1.x) layout; version 1 is the legacy one. */
    static final int MMIO_VERSION = 2;
    /** Panamax's vendor ID: "PNMX" as little-endian ASCII; Linux matches virtio-mmio devices on any vendor. */
    static final int VENDOR = 0x584d4e50;

    /** InterruptStatus bit: a used ring was updated. */
    static final int INT_VRING = 1;
    /** InterruptStatus bit: the configuration (or DEVICE_NEEDS_RESET) changed. */
    static final int INT_CONFIG = 2;

    private MmioRegister() {}
}
