package dev.panamax.virtio;

/** Reads of a device configuration space kept as bytes (little-endian, as virtio 1.x defines it). */
final class ConfigSpace {
    private ConfigSpace() {}

    /** {@code size} bytes at {@code offset} as a little-endian value; bytes past the space read as 0. */
    static long read(byte[] space, int offset, int size) {
        long value = 0;
        for (int i = 0; i < size; i++) {
            int at = offset + i;
            if (at >= 0 && at < space.length) {
                value |= (space[at] & 0xFFL) << (8 * i);
            }
        }
        return value;
    }
}
