package dev.panamax.virtio;

import java.lang.foreign.MemorySegment;
import java.util.Set;

/**
 * The host end of a {@link NetDevice}: where the guest's frames go and received ones come from
 * (the VMM puts a TAP interface here). Every frame starts with virtio-net's 12-byte header
 * ({@link NetDevice#HEADER_SIZE}), which passes through as it is. The device calls these on
 * the transport's processing thread, one at a time; none may block.
 */
public interface NetBackend {
    /** Offloads the frames {@link #readFrame} returns may use. */
    enum Offload {
        /** Partial checksums (VIRTIO_NET_HDR_F_NEEDS_CSUM). */
        CSUM,
        /** TCPv4 segmentation offload. */
        TSO4,
        /** TCPv6 segmentation offload. */
        TSO6,
        /** UDP fragmentation offload. */
        UFO
    }

    /**
     * Reads one frame (header included) into {@code buffer}, which holds
     * {@link NetDevice#MAX_FRAME} bytes.
     *
     * @return its length, or -1 when no frame is waiting now
     */
    int readFrame(MemorySegment buffer);

    /**
     * Sends the first {@code length} bytes of {@code buffer} as one frame (header included).
     *
     * @return whether it was taken; false when it was dropped (the host cannot take one now)
     * @throws RuntimeException when the host refuses the frame (e.g. a malformed header)
     */
    boolean writeFrame(MemorySegment buffer, int length);

    /** Which offloads received frames may use from now on: those the guest accepted. */
    void setOffloads(Set<Offload> offloads);
}
