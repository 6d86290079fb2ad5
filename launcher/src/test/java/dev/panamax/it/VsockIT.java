package dev.panamax.it;

import dev.panamax.kvm.testing.BootsLinux;
import dev.panamax.vmm.Snapshot;
import dev.panamax.vmm.VmConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

import static org.assertj.core.api.Assertions.assertThat;

/** virtio-vsock against the real guest kernel's vsock driver, host side over Firecracker's Unix sockets. */
@BootsLinux
class VsockIT {
    private static final int ECHO_PORT = 5000;

    @TempDir
    Path tmp;

    private final ExecutorService pool = Executors.newCachedThreadPool();

    private <T> T within(Future<T> f) throws Exception {
        return f.get(60, TimeUnit.SECONDS);
    }

    /** CONNECT through uds_path; the OK line's port, or -1 when the muxer closed the connection. */
    private static long connect(SocketChannel s, int port) throws IOException {
        s.write(ByteBuffer.wrap(("CONNECT " + port + "\n").getBytes(StandardCharsets.US_ASCII)));
        StringBuilder line = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            int n;
            try {
                n = s.read(one);
            } catch (IOException e) {
                return -1; // reset
            }
            if (n < 0) {
                return -1;
            }
            char c = (char) one.get(0);
            if (c == '\n') {
                assertThat(line.toString()).startsWith("OK ");
                return Long.parseLong(line.substring(3));
            }
            line.append(c);
        }
    }

    private static void readFully(SocketChannel s, ByteBuffer into) throws IOException {
        while (into.hasRemaining()) {
            if (s.read(into) < 0) {
                throw new IOException("EOF after " + into.position() + " bytes");
            }
        }
    }

    /** Writes {@code data} on another thread while reading the echo here; returns the seconds taken. */
    private double echo(SocketChannel s, byte[] data) throws Exception {
        long t0 = System.nanoTime();
        Future<?> writer = pool.submit(() -> {
            s.write(ByteBuffer.wrap(data));
            return null;
        });
        ByteBuffer back = ByteBuffer.allocate(data.length);
        within(pool.submit(() -> {
            readFully(s, back);
            return null;
        }));
        within(writer);
        assertThat(back.array()).isEqualTo(data);
        return (System.nanoTime() - t0) / 1e9;
    }

    private SocketChannel hostToEchoPort(Path uds) throws Exception {
        // The guest's listener may not be bound yet right after the shell started it.
        for (int attempt = 0; attempt < 50; attempt++) {
            SocketChannel s = SocketChannel.open(UnixDomainSocketAddress.of(uds));
            long port = within(pool.submit(() -> connect(s, ECHO_PORT)));
            if (port >= 0) {
                assertThat(port).isGreaterThanOrEqualTo(1L << 30);
                return s;
            }
            s.close();
            Thread.sleep(100);
        }
        throw new AssertionError("the guest's echo listener never answered");
    }

    /**
     * A restored guest's vsock works again (issue 14): the device tells the guest its transport
     * was reset, which drops the connection it had (its host side was the old process's), and
     * then host-to-guest (made at once, while the guest may not have handled the reset yet) and
     * guest-to-host connections work through the restored device's socket.
     */
    @Test
    void afterARestoreNewConnectionsWorkBothWays() throws Exception {
        Path uds = tmp.resolve("v.sock");
        Path restoredUds = tmp.resolve("restored.sock");
        Snapshot snapshot;
        try (GuestSession guest = GuestSession.bootWithVsock(new VmConfig.Vsock(3, uds))) {
            guest.run("pmx-vsock listen " + ECHO_PORT + " & echo list''ening", "listening");
            try (SocketChannel open = hostToEchoPort(uds)) {
                echo(open, "open at the snapshot".getBytes(StandardCharsets.US_ASCII));
                guest.vm().pause();
                snapshot = guest.vm().snapshot();
            }
        }
        try (snapshot) {
            VmConfig saved = snapshot.config();
            VmConfig config = new VmConfig(saved.boot(), saved.machine(), saved.drives(), saved.entropy(),
                    saved.networkInterfaces(), Optional.of(new VmConfig.Vsock(3, restoredUds)), saved.bootTimer(),
                    saved.name());
            try (GuestSession restored = GuestSession.restore(snapshot, config);
                 ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                try {
                    // host to guest first, at once: the connect waits until the guest has handled
                    // the transport reset, which would otherwise reset it with the old connections
                    try (SocketChannel s = hostToEchoPort(restoredUds)) {
                        byte[] data = new byte[64 * 1024];
                        new Random(7).nextBytes(data);
                        echo(s, data);
                    }
                    listener.bind(UnixDomainSocketAddress.of(restoredUds + "_6000"));
                    Future<String> heard = pool.submit(() -> {
                        try (SocketChannel s = listener.accept()) {
                            ByteBuffer in = ByteBuffer.allocate(64);
                            while (s.read(in) >= 0 && in.hasRemaining()) {
                                // until the guest half-closes
                            }
                            return new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
                        }
                    });
                    assertThat(restored.run("echo restored | pmx-vsock connect 2 6000; echo connect-rc=$?",
                            "connect-rc=(\\d+)").group(1)).isEqualTo("0");
                    assertThat(within(heard)).isEqualTo("restored\n");
                } catch (Exception | AssertionError e) {
                    System.out.println("[vsock] the restored guest's console:\n" + restored.console().text()
                            + "\n[vsock] its devices:\n" + restored.vm().describeDevices());
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void streamsBothWaysThroughUnixSockets() throws Exception {
        Path uds = tmp.resolve("v.sock");
        try (GuestSession guest = GuestSession.bootWithVsock(new VmConfig.Vsock(3, uds))) {
            guest.run("pmx-vsock listen " + ECHO_PORT + " & echo list''ening", "listening");

            // Host-initiated: 4 MiB echoed back intact.
            try (SocketChannel s = hostToEchoPort(uds)) {
                byte[] data = new byte[4 << 20];
                new Random(42).nextBytes(data);
                double seconds = echo(s, data);
                System.out.printf("[vsock] 4 MiB echoed through the guest in %.2f s: %.1f MiB/s each way%n",
                        seconds, 4 / seconds);
            }

            // Nobody listening on the guest port: the muxer closes the connection.
            try (SocketChannel s = SocketChannel.open(UnixDomainSocketAddress.of(uds))) {
                assertThat(within(pool.submit(() -> connect(s, 5999)))).isEqualTo(-1L);
            }

            // 50 streams at once, each echoing its own bytes.
            long t0 = System.nanoTime();
            List<Future<Void>> streams = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int seed = i;
                streams.add(pool.submit(() -> {
                    try (SocketChannel s = SocketChannel.open(UnixDomainSocketAddress.of(uds))) {
                        assertThat(connect(s, ECHO_PORT)).isGreaterThanOrEqualTo(1L << 30);
                        byte[] data = new byte[64 * 1024];
                        new Random(seed).nextBytes(data);
                        s.write(ByteBuffer.wrap(data));
                        ByteBuffer back = ByteBuffer.allocate(data.length);
                        readFully(s, back);
                        assertThat(back.array()).isEqualTo(data);
                    }
                    return null;
                }));
            }
            for (Future<Void> f : streams) {
                within(f);
            }
            System.out.printf("[vsock] 50 concurrent streams echoed 64 KiB each in %.2f s%n",
                    (System.nanoTime() - t0) / 1e9);

            // Guest-initiated: the guest's connection to host port 6000 reaches <uds>_6000.
            try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                listener.bind(UnixDomainSocketAddress.of(uds + "_6000"));
                Future<String> heard = pool.submit(() -> {
                    try (SocketChannel s = listener.accept()) {
                        ByteBuffer in = ByteBuffer.allocate(64);
                        while (s.read(in) >= 0 && in.hasRemaining()) {
                            // until the guest half-closes
                        }
                        return new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
                    }
                });
                Matcher m = guest.run("echo hello | pmx-vsock connect 2 6000; echo connect-rc=$?", "connect-rc=(\\d+)");
                assertThat(m.group(1)).isEqualTo("0");
                assertThat(within(heard)).isEqualTo("hello\n");
            }

            // Nobody listening on the host side: the guest's connect fails.
            Matcher m = guest.run("pmx-vsock connect 2 6001 </dev/null; echo connect-rc=$?", "connect-rc=(\\d+)");
            assertThat(m.group(1)).isNotEqualTo("0");

            guest.reboot();
        } finally {
            pool.shutdownNow();
        }
        assertThat(uds).doesNotExist();
    }
}
