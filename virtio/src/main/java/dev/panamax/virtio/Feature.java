package dev.panamax.virtio;

/** Feature bit numbers the transport and the devices here use (virtio 1.x). */
final class Feature {
    /** VIRTIO_RING_F_INDIRECT_DESC: descriptors may point to tables of descriptors. */
    static final int RING_INDIRECT_DESC = 28;
    /** VIRTIO_RING_F_EVENT_IDX: used_event / avail_event replace the ring flags for suppression. */
    static final int RING_EVENT_IDX = 29;
    /** VIRTIO_F_VERSION_1: a modern (non-legacy) device; mandatory for virtio-mmio version 2. */
    static final int VERSION_1 = 32;

    /** VIRTIO_BLK_F_SEG_MAX: config seg_max bounds the segments in a request. */
    static final int BLK_SEG_MAX = 2;
    /** VIRTIO_BLK_F_RO: the disk is read-only. */
    static final int BLK_RO = 5;
    /** VIRTIO_BLK_F_FLUSH: VIRTIO_BLK_T_FLUSH is supported. */
    static final int BLK_FLUSH = 9;

    static long bit(int feature) {
        return 1L << feature;
    }

    private Feature() {}
}
