package dev.panamax.kvm;

import dev.panamax.kvm.sys.if_tun_h;
import dev.panamax.kvm.testing.HostTap;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Attaching to TAP interfaces: the refusals need nothing of the host; moving frames needs
 * CAP_NET_ADMIN to make a TAP (assumed, so a host without it skips those tests).
 */
class TapTest {
    private static final byte[] GUEST_MAC = HexFormat.ofDelimiter(":").parseHex("06:00:ac:10:00:02");

    @Test
    void aMissingInterfaceIsNamedAndNothingIsCreated() {
        String name = HostTap.uniqueName("pmxnone");
        assertThatThrownBy(() -> Tap.open(name)).isInstanceOf(TapException.class)
                .hasMessage("TAP " + name + " does not exist");
        assertThat(Path.of("/sys/class/net", name)).doesNotExist();
    }

    @Test
    void namesTheKernelCannotHoldAreRefused() {
        for (String bad : new String[] {"", "a-name-of-16-chr", "../eth0", "tap 0"}) {
            assertThatThrownBy(() -> Tap.open(bad)).isInstanceOf(TapException.class)
                    .hasMessage("TAP \"" + bad + "\" is not an interface name (1 to 15 printable ASCII characters, no '/')");
        }
    }

    @Test
    void aSecondAttachIsRefusedAsInUseAndATunIsNotATap() {
        assumeTrue(HostTap.canCreate(), "needs CAP_NET_ADMIN to make a TAP");
        try (HostTap host = HostTap.create(HostTap.uniqueName("pmxbusy"), "tap");
             Tap tap = Tap.open(host.name())) {
            assertThat(tap.name()).isEqualTo(host.name());
            assertThatThrownBy(() -> Tap.open(host.name())).isInstanceOf(TapException.class)
                    .hasMessage("TAP " + host.name() + " is in use by another process");
        }
        try (HostTap tun = HostTap.create(HostTap.uniqueName("pmxtun"), "tun")) {
            assertThatThrownBy(() -> Tap.open(tun.name())).isInstanceOf(TapException.class)
                    .hasMessage("TAP " + tun.name() + " is not a single-queue TAP interface");
        }
    }

    @Test
    void offloadsNeedChecksumOffloadFirst() {
        assumeTrue(HostTap.canCreate(), "needs CAP_NET_ADMIN to make a TAP");
        try (HostTap host = HostTap.create(HostTap.uniqueName("pmxoff"), "tap"); Tap tap = Tap.open(host.name())) {
            tap.setOffloads(if_tun_h.TUN_F_CSUM | if_tun_h.TUN_F_TSO4 | if_tun_h.TUN_F_TSO6 | if_tun_h.TUN_F_UFO);
            tap.setOffloads(0);
            assertThatThrownBy(() -> tap.setOffloads(if_tun_h.TUN_F_TSO4)).isInstanceOf(TapException.class)
                    .hasMessageStartingWith("TAP " + host.name() + ": offloads 0x2: ioctl(TUNSETOFFLOAD) failed: EINVAL");
        }
    }

    /**
     * Both directions through the host's IP stack: a datagram the host sends to the "guest"
     * address makes it ARP for that address out of the TAP (read: vnet header, then a broadcast
     * ARP request); a UDP frame written to the TAP arrives at a host socket.
     */
    @Test
    void framesMoveBothWaysWithTheirVnetHeader() throws Exception {
        assumeTrue(HostTap.canCreate(), "needs CAP_NET_ADMIN to make a TAP");
        int subnet = (int) (20 + ProcessHandle.current().pid() % 200);
        String hostIp = "172.31." + subnet + ".1";
        String guestIp = "172.31." + subnet + ".2";
        try (HostTap host = HostTap.create(HostTap.uniqueName("pmxio"), "tap");
             Tap tap = Tap.open(host.name());
             Arena arena = Arena.ofConfined();
             DatagramSocket socket = new DatagramSocket(null)) {
            MemorySegment buffer = arena.allocate(65562);
            // before the link is up: once it is, the host's IPv6 (router solicitation, MLD) may talk first
            assertThat(tap.read(buffer)).as("nothing waits yet").isEqualTo(-1);
            host.up(hostIp + "/24");

            socket.bind(new InetSocketAddress(InetAddress.getByName(hostIp), 0));
            socket.send(new DatagramPacket(new byte[] {1}, 1, InetAddress.getByName(guestIp), 9));
            int n = awaitFrame(tap, buffer, 0x0806);
            assertThat(n).isEqualTo(Tap.VNET_HDR_SIZE + 42);
            assertThat(buffer.asSlice(0, 10).toArray(JAVA_BYTE)).as("no offload in the vnet header").isEqualTo(new byte[10]);
            assertThat(buffer.asSlice(Tap.VNET_HDR_SIZE, 6).toArray(JAVA_BYTE)).as("broadcast")
                    .containsOnly((byte) 0xFF);

            byte[] tapMac = HexFormat.ofDelimiter(":").parseHex(
                    Files.readString(Path.of("/sys/class/net", host.name(), "address")).strip());
            byte[] payload = "hello from the guest side".getBytes(StandardCharsets.US_ASCII);
            byte[] frame = udpFrame(tapMac, guestIp, hostIp, socket.getLocalPort(), payload);
            MemorySegment out = arena.allocate(Tap.VNET_HDR_SIZE + frame.length);
            MemorySegment.copy(frame, 0, out, JAVA_BYTE, Tap.VNET_HDR_SIZE, frame.length);
            assertThat(tap.write(out, out.byteSize())).isTrue();
            socket.setSoTimeout(5000);
            DatagramPacket received = new DatagramPacket(new byte[100], 100);
            socket.receive(received);
            assertThat(new String(received.getData(), 0, received.getLength(), StandardCharsets.US_ASCII))
                    .isEqualTo("hello from the guest side");
            assertThat(received.getAddress().getHostAddress()).isEqualTo(guestIp);
        }
    }

    /** Reads until a frame of {@code etherType} comes (IPv6 chatter may come first); returns its length. */
    private static int awaitFrame(Tap tap, MemorySegment buffer, int etherType) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            int n = tap.read(buffer);
            if (n < 0) {
                Thread.sleep(5);
            } else if (n >= Tap.VNET_HDR_SIZE + 14
                    && (buffer.get(JAVA_BYTE, Tap.VNET_HDR_SIZE + 12) & 0xFF) == etherType >> 8
                    && (buffer.get(JAVA_BYTE, Tap.VNET_HDR_SIZE + 13) & 0xFF) == (etherType & 0xFF)) {
                return n;
            }
        }
        throw new AssertionError("no frame of type 0x" + Integer.toHexString(etherType) + " within 5 s");
    }

    /** Ethernet + IPv4 (checksummed) + UDP (checksum 0: none, which IPv4 allows). */
    private static byte[] udpFrame(byte[] dstMac, String src, String dst, int port, byte[] payload) throws Exception {
        ByteBuffer f = ByteBuffer.allocate(14 + 20 + 8 + payload.length);
        f.put(dstMac).put(GUEST_MAC).putShort((short) 0x0800);
        int ipStart = f.position();
        f.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 8 + payload.length)).putShort((short) 1)
                .putShort((short) 0).put((byte) 64).put((byte) 17).putShort((short) 0)
                .put(InetAddress.getByName(src).getAddress()).put(InetAddress.getByName(dst).getAddress());
        int sum = 0;
        for (int i = ipStart; i < ipStart + 20; i += 2) {
            sum += f.getShort(i) & 0xFFFF;
        }
        while (sum >> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        f.putShort(ipStart + 10, (short) ~sum);
        f.putShort((short) 40000).putShort((short) port).putShort((short) (8 + payload.length)).putShort((short) 0);
        f.put(payload);
        return f.array();
    }
}
