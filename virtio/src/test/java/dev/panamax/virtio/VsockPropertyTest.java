package dev.panamax.virtio;

import dev.panamax.virtio.VsockGuest.Packet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Hostile packet sequences: the device never breaks, never throws, and its memory stays bounded. */
@AddLifecycleHook(FuzzBudget.class)
class VsockPropertyTest {
    private static final int HOST_BUF_ALLOC = 256 * 1024;

    /** Who a hostile packet claims to be; {@code portChoice} 0 means "the live stream's host port". */
    record Addressing(long srcCid, long dstCid, int srcPort, int portChoice, int type, int op) {}

    /** What it carries: credit fields, payload size, how far its len lies, and whether it is cut short. */
    record Body(int flags, int bufAlloc, int fwdCnt, int payload, int lenDelta, boolean truncated) {}

    record Hostile(Addressing a, Body b) {}

    @Provide
    Arbitrary<List<Hostile>> sequences() {
        Arbitrary<Addressing> addressing = Combinators.combine(
                Arbitraries.of(3L, 3L, 3L, 4L, 2L, -1L),
                Arbitraries.of(2L, 2L, 2L, 3L, 0L),
                Arbitraries.of(5000, 5000, 1, 6000, -1),
                Arbitraries.of(0, 0, 5000, 6000, 1),
                Arbitraries.of(1, 1, 1, 0, 2, 0xFFFF),
                Arbitraries.integers().between(0, 9)).as(Addressing::new);
        Arbitrary<Body> body = Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.of(0, 4096, HOST_BUF_ALLOC, -1),
                Arbitraries.integers(),
                Arbitraries.of(0, 1, 10, 100, 4096, 65536, 65537),
                Arbitraries.of(0, 0, 0, 1, -1, 1 << 20, Integer.MIN_VALUE),
                Arbitraries.of(false, false, false, true)).as(Body::new);
        return Combinators.combine(addressing, body).as(Hostile::new).list().ofMinSize(1).ofMaxSize(30);
    }

    @Property(tries = 60)
    void hostileSequencesNeverBreakTheDevice(@ForAll("sequences") List<Hostile> packets) throws Exception {
        Path dir = Files.createTempDirectory("vsock-prop");
        Path uds = dir.resolve("v.sock");
        try (VsockGuest guest = new VsockGuest(uds);
             SocketChannel host = SocketChannel.open(UnixDomainSocketAddress.of(uds))) {
            host.write(ByteBuffer.wrap("CONNECT 5000\n".getBytes(StandardCharsets.US_ASCII)));
            Packet req = guest.await(VsockGuest.op(VsockGuest.REQUEST));
            guest.send(req, VsockGuest.RESPONSE);
            for (Hostile h : packets) {
                Addressing a = h.a();
                Body b = h.b();
                int dstPort = a.portChoice() == 0 ? req.srcPort() : a.portChoice();
                byte[] payload = new byte[b.payload()];
                byte[] bytes = new Packet(a.srcCid(), a.dstCid(), a.srcPort(), dstPort, a.type(), a.op(), b.flags(),
                        b.bufAlloc(), b.fwdCnt(), payload).encode(payload.length + b.lenDelta());
                guest.sendRaw(b.truncated() ? Arrays.copyOf(bytes, Math.min(bytes.length, 20)) : bytes);
                guest.pump();
                assertThat(guest.driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isZero();
                assertThat(guest.device.bufferedToHost())
                        .isLessThanOrEqualTo((long) (HOST_BUF_ALLOC + 32) * Math.max(1, guest.device.openConnections()));
            }
            guest.settle(Duration.ofMillis(20));
            assertThat(guest.driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isZero();
            assertThat(guest.device.openConnections()).isLessThanOrEqualTo(1 + packets.size());
            FuzzBudget.chainsOf(guest.driver);
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
