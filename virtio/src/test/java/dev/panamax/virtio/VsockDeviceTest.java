package dev.panamax.virtio;

import dev.panamax.virtio.VsockGuest.Packet;
import dev.panamax.virtio.vsock.VsockDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.panamax.virtio.VsockGuest.CID;
import static dev.panamax.virtio.VsockGuest.CREDIT_REQUEST;
import static dev.panamax.virtio.VsockGuest.CREDIT_UPDATE;
import static dev.panamax.virtio.VsockGuest.HOST;
import static dev.panamax.virtio.VsockGuest.REQUEST;
import static dev.panamax.virtio.VsockGuest.RESPONSE;
import static dev.panamax.virtio.VsockGuest.RST;
import static dev.panamax.virtio.VsockGuest.RW;
import static dev.panamax.virtio.VsockGuest.SHUTDOWN;
import static dev.panamax.virtio.VsockGuest.op;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** virtio-vsock and its Unix-socket host side, driven by a fake guest over real queues and real sockets. */
class VsockDeviceTest {
    private static final int HOST_BUF_ALLOC = 256 * 1024;

    @TempDir
    Path tmp;
    private VsockGuest guest;
    private final List<SocketChannel> hostSockets = new ArrayList<>();

    private VsockGuest guest() {
        guest = new VsockGuest(tmp.resolve("v.sock"));
        return guest;
    }

    @AfterEach
    void close() throws IOException {
        for (SocketChannel s : hostSockets) {
            s.close();
        }
        if (guest != null) {
            guest.close();
            assertThat(tmp.resolve("v.sock")).doesNotExist();
        }
    }

    private SocketChannel hostConnect(String line) throws IOException {
        SocketChannel s = SocketChannel.open(UnixDomainSocketAddress.of(tmp.resolve("v.sock")));
        hostSockets.add(s);
        s.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)));
        return s;
    }

    static String readLine(SocketChannel s) throws IOException {
        StringBuilder line = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            if (s.read(one) < 0) {
                return line.toString();
            }
            char c = (char) one.get(0);
            line.append(c);
            if (c == '\n') {
                return line.toString();
            }
        }
    }

    static byte[] readExactly(SocketChannel s, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (s.read(b) < 0) {
                throw new IOException("EOF after " + b.position() + " of " + n);
            }
        }
        return b.array();
    }

    /** EOF, or a reset when the muxer closed with bytes of ours unread. */
    private static void assertClosed(SocketChannel s) {
        int n;
        try {
            n = s.read(ByteBuffer.allocate(64));
        } catch (IOException e) {
            assertThat(e).hasMessageContaining("reset");
            return;
        }
        assertThat(n).isEqualTo(-1);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A host connection through CONNECT, accepted by the guest; returns the guest's REQUEST. */
    private Packet establish(SocketChannel host, int guestPort) throws Exception {
        Packet req = guest.await(p -> p.op() == REQUEST && p.dstPort() == guestPort);
        guest.send(req, RESPONSE);
        assertThat(readLine(host)).isEqualTo("OK " + Integer.toUnsignedString(req.srcPort()) + "\n");
        return req;
    }

    @Test
    void configSpaceHoldsTheGuestCid() {
        VsockGuest g = guest();
        assertThat(g.driver.reg(MmioRegister.DEVICE_ID)).isEqualTo(19);
        assertThat(g.driver.device.read(MmioRegister.CONFIG, 4)).isEqualTo(CID);
        assertThat(g.driver.device.read(MmioRegister.CONFIG + 4, 4)).isZero();
    }

    @Test
    void refusesAnExistingPathAndAMissingDirectory() throws IOException {
        Path existing = Files.createFile(tmp.resolve("taken"));
        assertThatThrownBy(() -> VsockDevice.open(3, existing, () -> {}))
                .hasMessage("uds_path " + existing + ": already exists");
        Path nowhere = tmp.resolve("no/such/dir/v.sock");
        assertThatThrownBy(() -> VsockDevice.open(3, nowhere, () -> {}))
                .hasMessage("uds_path " + nowhere + ": directory does not exist");
    }

    @Test
    void hostConnectGetsOkAndBytesFlowBothWays() throws Exception {
        guest();
        SocketChannel host = hostConnect("CONNECT 5000\n");
        Packet req = guest.await(op(REQUEST));
        assertThat(req.srcCid()).isEqualTo(HOST);
        assertThat(req.dstCid()).isEqualTo(CID);
        assertThat(req.dstPort()).isEqualTo(5000);
        assertThat(Integer.toUnsignedLong(req.srcPort())).isGreaterThanOrEqualTo(1L << 30);
        assertThat(req.type()).isEqualTo(1);
        assertThat(req.bufAlloc()).isEqualTo(HOST_BUF_ALLOC);
        guest.send(req, RESPONSE);
        assertThat(readLine(host)).isEqualTo("OK " + req.srcPort() + "\n");

        host.write(ByteBuffer.wrap(ascii("ping")));
        Packet data = guest.await(op(RW));
        assertThat(data.payload()).isEqualTo(ascii("ping"));
        assertThat(data.srcPort()).isEqualTo(req.srcPort());
        guest.send(5000, req.srcPort(), RW, 0, ascii("pong"));
        assertThat(readExactly(host, 4)).isEqualTo(ascii("pong"));
        // the stall report names the stream and the queues' indexes on both sides
        assertThat(guest.driver.device.describe()).contains("vsock: 1 host sockets, 1 streams")
                .contains("host:" + req.srcPort() + " guest:5000 ESTABLISHED host-initiated").contains("q1 size");
    }

    @Test
    void metricsCountPacketsPayloadAndStreamsEachWay() throws Exception {
        guest();
        SocketChannel host = hostConnect("CONNECT 5000\n");
        Packet req = establish(host, 5000);
        host.write(ByteBuffer.wrap(ascii("ping")));
        guest.await(op(RW));
        guest.send(5000, req.srcPort(), RW, 0, ascii("pong!"));
        assertThat(readExactly(host, 5)).isEqualTo(ascii("pong!"));
        guest.send(1235, 6001, REQUEST, 0, new byte[0]); // nobody listens: the host resets it
        guest.await(op(RST));
        guest.settle(Duration.ofMillis(100));

        Map<String, Long> m = guest.device.metrics().orElseThrow().counters();
        assertThat(m).containsEntry("rx_bytes_count", 4L).containsEntry("tx_bytes_count", 5L)
                .containsEntry("tx_packets_count", 3L) // RESPONSE, RW, REQUEST
                .containsEntry("rx_packets_count", 3L) // REQUEST, RW, RST
                .containsEntry("conns_added", 2L).containsEntry("conns_killed", 1L)
                .containsEntry("conns_removed", 1L)
                .containsEntry("rx_read_fails", 0L).containsEntry("tx_write_fails", 0L);
        assertThat(m.get("rx_queue_event_count")).isPositive();
        assertThat(m.get("tx_queue_event_count")).isGreaterThanOrEqualTo(1L);
        assertThat(guest.device.metrics().orElseThrow().name()).isEqualTo("vsock");
    }

    @Test
    void burstEventsCarryThePacketsAndBytesOfEachPass() throws Exception {
        Path file = tmp.resolve("vsock.jfr");
        try (jdk.jfr.Recording recording = new jdk.jfr.Recording()) {
            recording.enable("dev.panamax.VsockBurst");
            recording.start();
            guest();
            SocketChannel host = hostConnect("CONNECT 5000\n");
            Packet req = establish(host, 5000);
            host.write(ByteBuffer.wrap(ascii("ping")));
            guest.await(op(RW));
            guest.send(5000, req.srcPort(), RW, 0, ascii("pong!"));
            assertThat(readExactly(host, 5)).isEqualTo(ascii("pong!"));
            guest.settle(Duration.ofMillis(100));
            recording.stop();
            recording.dump(file);
        }
        List<jdk.jfr.consumer.RecordedEvent> bursts = jdk.jfr.consumer.RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals("dev.panamax.VsockBurst")).toList();
        Map<String, Long> m = guest.device.metrics().orElseThrow().counters();
        for (String queue : List.of("rx", "tx")) {
            List<jdk.jfr.consumer.RecordedEvent> q = bursts.stream().filter(e -> e.getString("queue").equals(queue)).toList();
            assertThat(q).allSatisfy(e -> assertThat(e.getLong("packets")).isPositive());
            assertThat(q.stream().mapToLong(e -> e.getLong("packets")).sum()).isEqualTo(m.get(queue + "_packets_count"));
            assertThat(q.stream().mapToLong(e -> e.getLong("bytes")).sum()).isEqualTo(m.get(queue + "_bytes_count"));
        }
    }

    @Test
    void guestRstClosesTheHostConnection() throws Exception {
        guest();
        SocketChannel host = hostConnect("CONNECT 5001\n");
        Packet req = guest.await(op(REQUEST));
        guest.send(req, RST);
        assertThat(host.read(ByteBuffer.allocate(16))).isEqualTo(-1);
        guest.settle(Duration.ofMillis(100));
        assertThat(guest.device.openConnections()).isZero();
        assertThat(guest.received).noneMatch(p -> p.op() == RST); // an RST is never answered
    }

    @Test
    void garbageAndOverlongConnectLinesAreClosed() throws Exception {
        guest();
        SocketChannel garbage = hostConnect("HELLO 5000\n");
        SocketChannel overlong = hostConnect("CONNECT " + "0".repeat(40) + "\n");
        SocketChannel tooBig = hostConnect("CONNECT 4294967296\n");
        guest.settle(Duration.ofMillis(200));
        for (SocketChannel s : List.of(garbage, overlong, tooBig)) {
            assertClosed(s);
        }
        assertThat(guest.received).isEmpty();
    }

    @Test
    void guestConnectReachesTheListenerOnUdsPathPort() throws Exception {
        guest();
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(tmp.resolve("v.sock_6000")));
            guest.send(1234, 6000, REQUEST, 0, new byte[0]);
            Packet resp = guest.await(op(RESPONSE));
            assertThat(resp.srcPort()).isEqualTo(6000);
            assertThat(resp.dstPort()).isEqualTo(1234);
            try (SocketChannel host = listener.accept()) {
                guest.send(1234, 6000, RW, 0, ascii("hello\n"));
                assertThat(readExactly(host, 6)).isEqualTo(ascii("hello\n"));
                host.write(ByteBuffer.wrap(ascii("back")));
                assertThat(guest.await(op(RW)).payload()).isEqualTo(ascii("back"));
            }
        }
    }

    @Test
    void guestConnectWithNobodyListeningIsReset() throws Exception {
        guest();
        guest.send(1235, 6001, REQUEST, 0, new byte[0]);
        Packet rst = guest.await(op(RST));
        assertThat(rst.srcPort()).isEqualTo(6001);
        assertThat(rst.dstPort()).isEqualTo(1235);
        assertThat(guest.device.openConnections()).isZero();
    }

    @Test
    void theHostNeverSendsPastTheGuestsCredit() throws Exception {
        guest();
        guest.bufAlloc = 10_000;
        SocketChannel host = hostConnect("CONNECT 5002\n");
        Packet req = establish(host, 5002);
        byte[] big = new byte[100_000];
        new Random(1).nextBytes(big);
        host.write(ByteBuffer.wrap(big));
        guest.settle(Duration.ofMillis(300));
        int got = guest.received.stream().filter(p -> p.op() == RW).mapToInt(Packet::len).sum();
        assertThat(got).isEqualTo(10_000);
        assertThat(guest.received).anyMatch(p -> p.op() == CREDIT_REQUEST);
        guest.received.clear();
        guest.fwdCnt = 10_000; // the guest consumed it all: another window
        guest.send(req, CREDIT_UPDATE);
        guest.settle(Duration.ofMillis(300));
        got = guest.received.stream().filter(p -> p.op() == RW).mapToInt(Packet::len).sum();
        assertThat(got).isEqualTo(10_000);
    }

    @Test
    void aGuestSendingPastTheHostsCreditIsReset() throws Exception {
        guest();
        SocketChannel host = hostConnect("CONNECT 5003\n");
        Packet req = establish(host, 5003);
        byte[] chunk = new byte[65536];
        // The host process reads nothing: its socket buffer fills, then the host's window.
        for (int i = 0; i < 64 && guest.take(op(RST)) == null; i++) {
            guest.send(5003, req.srcPort(), RW, 0, chunk);
            assertThat(guest.device.bufferedToHost()).isLessThanOrEqualTo(HOST_BUF_ALLOC + 32);
        }
        assertThat(guest.device.openConnections()).isZero();
        assertThat(guest.device.bufferedToHost()).isZero();
    }

    @Test
    void aGuestKeepingToTheCreditIsNeverReset() throws Exception {
        guest();
        SocketChannel host = hostConnect("CONNECT 5004\n");
        Packet req = establish(host, 5004);
        int total = 4 << 20;
        int sent = 0;
        int hostFwd = 0;
        ByteBuffer sink = ByteBuffer.allocate(1 << 20);
        long read = 0;
        host.configureBlocking(false);
        while (read < total) {
            for (Packet p : guest.received) {
                hostFwd = Math.max(hostFwd, p.fwdCnt());
                assertThat(p.op()).isNotEqualTo(RST);
            }
            guest.received.clear();
            int credit = HOST_BUF_ALLOC - (sent - hostFwd);
            int n = Math.min(Math.min(credit, 65536), total - sent);
            if (n > 0) {
                guest.send(5004, req.srcPort(), RW, 0, new byte[n]);
                sent += n;
            }
            sink.clear();
            read += Math.max(0, host.read(sink)); // a slow reader: at most 1 MiB a turn
            guest.pump();
        }
        assertThat(read).isEqualTo(total);
        assertThat(guest.device.openConnections()).isEqualTo(1);
    }

    @Test
    void shutdownBothWays() throws Exception {
        guest();
        SocketChannel host = hostConnect("CONNECT 5005\n");
        Packet req = establish(host, 5005);
        // Guest: no more sending. The host reads the bytes, then EOF; its writes still reach the guest.
        guest.send(5005, req.srcPort(), RW, 0, ascii("last"));
        guest.send(5005, req.srcPort(), SHUTDOWN, 2, new byte[0]);
        assertThat(readExactly(host, 4)).isEqualTo(ascii("last"));
        assertThat(host.read(ByteBuffer.allocate(8))).isEqualTo(-1);
        host.write(ByteBuffer.wrap(ascii("still")));
        assertThat(guest.await(op(RW)).payload()).isEqualTo(ascii("still"));
        // Host: no more sending -> SHUTDOWN(SEND) to the guest.
        host.shutdownOutput();
        Packet shut = guest.await(op(SHUTDOWN));
        assertThat(shut.flags()).isEqualTo(2);
        // Guest closes completely: the host answers RST, as Linux waits for.
        guest.send(5005, req.srcPort(), SHUTDOWN, 3, new byte[0]);
        assertThat(guest.await(op(RST)).dstPort()).isEqualTo(req.dstPort());
        assertThat(guest.device.openConnections()).isZero();
    }

    @Test
    void strayAndMisaddressedPackets() throws Exception {
        guest();
        guest.send(40, 41, RW, 0, ascii("x")); // no such stream
        assertThat(guest.await(op(RST)).dstPort()).isEqualTo(40);
        guest.send(40, 41, RST, 0, new byte[0]); // never answered
        guest.sendRaw(new Packet(CID + 1, HOST, 42, 43, 1, REQUEST, 0, 0, 0, new byte[0]).encode(0)); // wrong source
        guest.sendRaw(new Packet(CID, 7, 42, 43, 1, REQUEST, 0, 0, 0, new byte[0]).encode(0)); // not to the host
        guest.sendRaw(new Packet(CID, HOST, 44, 45, 2, REQUEST, 0, 0, 0, new byte[0]).encode(0)); // seqpacket
        assertThat(guest.await(op(RST)).dstPort()).isEqualTo(44);
        guest.settle(Duration.ofMillis(100));
        assertThat(guest.received).isEmpty();
    }

    @Test
    void aThousandConcurrentStreams() throws Exception {
        guest();
        int n = 1000;
        List<SocketChannel> hosts = new ArrayList<>();
        Map<Integer, Packet> requests = new HashMap<>();
        for (int i = 0; i < n; i++) {
            hosts.add(hostConnect("CONNECT 7000\n"));
            if (i % 50 == 49) { // the listener's backlog is finite: let the muxer accept
                while (requests.size() <= i) {
                    Packet req = guest.await(op(REQUEST));
                    requests.put(req.srcPort(), req);
                }
            }
        }
        for (Packet req : requests.values()) {
            guest.send(req, RESPONSE);
        }
        Map<Integer, SocketChannel> byPort = new HashMap<>();
        for (SocketChannel h : hosts) {
            String ok = readLine(h);
            assertThat(ok).startsWith("OK ");
            byPort.put(Integer.parseUnsignedInt(ok.substring(3).strip()), h);
        }
        assertThat(byPort.keySet()).isEqualTo(requests.keySet());
        for (Map.Entry<Integer, SocketChannel> e : byPort.entrySet()) {
            e.getValue().write(ByteBuffer.wrap(ascii("m" + e.getKey())));
        }
        int echoed = 0;
        while (echoed < n) {
            Packet data = guest.await(op(RW));
            assertThat(new String(data.payload(), StandardCharsets.US_ASCII)).isEqualTo("m" + data.srcPort());
            guest.send(7000, data.srcPort(), RW, 0, data.payload());
            echoed++;
        }
        for (Map.Entry<Integer, SocketChannel> e : byPort.entrySet()) {
            byte[] m = ascii("m" + e.getKey());
            assertThat(readExactly(e.getValue(), m.length)).isEqualTo(m);
        }
        assertThat(guest.device.openConnections()).isEqualTo(n);
    }

    @Test
    void closingRemovesTheSocketAndClosesEveryConnection() throws Exception {
        guest();
        SocketChannel host = hostConnect("CONNECT 5006\n");
        establish(host, 5006);
        guest.close();
        assertThat(tmp.resolve("v.sock")).doesNotExist();
        assertThat(host.read(ByteBuffer.allocate(8))).isEqualTo(-1);
        guest = null;
    }
}
