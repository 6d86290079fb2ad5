package dev.panamax.kvm.sys;

import static dev.panamax.kvm.sys.Ioctl.ior;
import static dev.panamax.kvm.sys.Ioctl.iow;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Macros of {@code <linux/if_tun.h>} and {@code <net/if.h>} that a TAP backend needs: the
 * TUNSET* requests, the interface flags of TUNSETIFF and the offload bits of TUNSETOFFLOAD.
 * AbiTest compares every value here with the C preprocessor's.
 */
public final class if_tun_h {
    private if_tun_h() {}

    /** Interface names are at most this long, NUL included. */
    public static final int IFNAMSIZ = 16;

    public static final long TUNSETIFF = iow('T', 202, JAVA_INT);
    public static final long TUNSETOFFLOAD = iow('T', 208, JAVA_INT);
    public static final long TUNGETIFF = ior('T', 210, JAVA_INT);
    public static final long TUNSETVNETHDRSZ = iow('T', 216, JAVA_INT);

    // TUNSETIFF flags (ifr_flags)
    public static final int IFF_TUN = 0x0001;
    public static final int IFF_TAP = 0x0002;
    /** Several fds may attach queues to one TAP; a VMM with one queue pair leaves it off. */
    public static final int IFF_MULTI_QUEUE = 0x0100;
    /** No 4-byte packet information before each frame. */
    public static final int IFF_NO_PI = 0x1000;
    /** Each frame is preceded by a virtio_net_hdr (of TUNSETVNETHDRSZ bytes). */
    public static final int IFF_VNET_HDR = 0x4000;

    // TUNSETOFFLOAD bits: what the reader of the TAP accepts in frames it reads
    public static final int TUN_F_CSUM = 0x01;
    public static final int TUN_F_TSO4 = 0x02;
    public static final int TUN_F_TSO6 = 0x04;
    public static final int TUN_F_TSO_ECN = 0x08;
    public static final int TUN_F_UFO = 0x10;
}
