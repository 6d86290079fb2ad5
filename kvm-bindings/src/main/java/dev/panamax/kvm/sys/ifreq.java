package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct ifreq} from {@code <net/if.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers). Only the union
 * members a TAP needs are named (C's {@code ifr_name} is {@code ifr_ifrn.ifrn_name}, its
 * {@code ifr_flags} is {@code ifr_ifru.ifru_flags}); {@code ifru_map} is there because it is
 * the union's largest member and so gives it its size.
 */
@SuppressWarnings("unused")
public final class ifreq {
    private ifreq() {}

    /** {@code struct ifmap}: the largest member of {@code ifr_ifru}. */
    private static final GroupLayout IFMAP = MemoryLayout.structLayout(
        JAVA_LONG.withName("mem_start"),
        JAVA_LONG.withName("mem_end"),
        JAVA_SHORT.withName("base_addr"),
        JAVA_BYTE.withName("irq"),
        JAVA_BYTE.withName("dma"),
        JAVA_BYTE.withName("port"),
        MemoryLayout.paddingLayout(3)).withName("ifmap");

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        MemoryLayout.unionLayout(
            MemoryLayout.sequenceLayout(if_tun_h.IFNAMSIZ, JAVA_BYTE).withName("ifrn_name")).withName("ifr_ifrn"),
        MemoryLayout.unionLayout(
            JAVA_SHORT.withName("ifru_flags"),
            JAVA_INT.withName("ifru_ivalue"),
            JAVA_INT.withName("ifru_mtu"),
            IFMAP.withName("ifru_map"),
            MemoryLayout.sequenceLayout(if_tun_h.IFNAMSIZ, JAVA_BYTE).withName("ifru_newname"),
            ADDRESS.withName("ifru_data")).withName("ifr_ifru")).withName("ifreq");

    /** Byte offset of {@code ifr_name}. */
    public static final long ifr_name$OFFSET = LAYOUT.byteOffset(groupElement("ifr_ifrn"), groupElement("ifrn_name"));
    /** Slice of {@code ifr_name} (IFNAMSIZ bytes, NUL-terminated). */
    public static MemorySegment ifr_name(MemorySegment struct) {
        return struct.asSlice(ifr_name$OFFSET, if_tun_h.IFNAMSIZ);
    }
    /**
     * Writes {@code name} into {@code ifr_name}, NUL-padded.
     *
     * @throws IllegalArgumentException when it does not fit with its terminating NUL
     */
    public static void ifr_name(MemorySegment struct, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length >= if_tun_h.IFNAMSIZ) {
            throw new IllegalArgumentException("interface name \"" + name + "\" is longer than "
                    + (if_tun_h.IFNAMSIZ - 1) + " bytes");
        }
        MemorySegment field = ifr_name(struct);
        field.fill((byte) 0);
        MemorySegment.copy(bytes, 0, field, JAVA_BYTE, 0, bytes.length);
    }

    private static final VarHandle ifr_flags$VH = LAYOUT.varHandle(groupElement("ifr_ifru"), groupElement("ifru_flags"));
    /** Byte offset of {@code ifr_flags}. */
    public static final long ifr_flags$OFFSET = LAYOUT.byteOffset(groupElement("ifr_ifru"), groupElement("ifru_flags"));
    /** Reads {@code ifr_flags}. */
    public static short ifr_flags(MemorySegment struct) {
        return (short) ifr_flags$VH.get(struct, 0L);
    }
    /** Writes {@code ifr_flags}. */
    public static void ifr_flags(MemorySegment struct, short value) {
        ifr_flags$VH.set(struct, 0L, value);
    }

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
