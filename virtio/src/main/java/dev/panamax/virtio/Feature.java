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

    /** VIRTIO_NET_F_CSUM: the device takes frames with a partial checksum (the driver's TX offload). */
    static final int NET_CSUM = 0;
    /** VIRTIO_NET_F_GUEST_CSUM: the driver takes frames with a partial checksum. */
    static final int NET_GUEST_CSUM = 1;
    /** VIRTIO_NET_F_MAC: the config space holds the MAC address. */
    static final int NET_MAC = 5;
    /** VIRTIO_NET_F_GUEST_TSO4: the driver takes TCPv4 segmentation-offload frames. */
    static final int NET_GUEST_TSO4 = 7;
    /** VIRTIO_NET_F_GUEST_TSO6: ... TCPv6 ones. */
    static final int NET_GUEST_TSO6 = 8;
    /** VIRTIO_NET_F_GUEST_UFO: ... UDP fragmentation-offload ones. */
    static final int NET_GUEST_UFO = 10;
    /** VIRTIO_NET_F_HOST_TSO4: the device takes TCPv4 segmentation-offload frames. */
    static final int NET_HOST_TSO4 = 11;
    /** VIRTIO_NET_F_HOST_TSO6: ... TCPv6 ones. */
    static final int NET_HOST_TSO6 = 12;
    /** VIRTIO_NET_F_HOST_UFO: ... UDP fragmentation-offload ones. */
    static final int NET_HOST_UFO = 14;
    /** VIRTIO_NET_F_MRG_RXBUF: a received frame may span several receive chains (num_buffers). */
    static final int NET_MRG_RXBUF = 15;
    /** VIRTIO_NET_F_STATUS: the config space holds the link status. */
    static final int NET_STATUS = 16;

    static long bit(int feature) {
        return 1L << feature;
    }

    private Feature() {}
}
