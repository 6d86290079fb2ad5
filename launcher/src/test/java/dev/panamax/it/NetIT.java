package dev.panamax.it;

import dev.panamax.kvm.Tap;
import dev.panamax.kvm.TapException;
import dev.panamax.kvm.testing.BootsLinux;
import dev.panamax.kvm.testing.HostTap;
import dev.panamax.vmm.Console;
import dev.panamax.vmm.DeviceException;
import dev.panamax.vmm.MacAddress;
import dev.panamax.vmm.MicroVm;
import dev.panamax.vmm.Snapshot;
import dev.panamax.vmm.VmConfig;
import dev.panamax.vmm.boot.BootProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * virtio-net on a host TAP as the real guest kernel uses it: its MAC from the configuration, ping
 * to the host's end, and 8 MiB of TCP each way with SHA-256 compared on both sides (which
 * exercises the offloads: the guest's TSO and checksum offload towards the TAP, the host's
 * towards the guest, and mergeable receive buffers). Needs root in the host (ip tuntap).
 */
@BootsLinux
class NetIT {
    private static final String HOST_IP = "172.30.7.1";
    private static final String GUEST_IP = "172.30.7.2";
    private static final MacAddress GUEST_MAC = MacAddress.parse("06:00:ac:1e:07:02");
    private static final int BYTES = 8 << 20;
    private static final int GUEST_PORT = 5007;

    private HostTap tap;

    @AfterEach
    void deleteTap() {
        if (tap != null) {
            tap.close();
        }
    }

    @Test
    void aMissingTapFailsTheStartWithOneLineNamingTheInterface() {
        VmConfig config = new VmConfig(new VmConfig.BootSource(TestHost.guestArtifact("bzImage"),
                Optional.of(TestHost.guestArtifact("initramfs.cpio.gz")), GuestSession.QUIET, BootProtocol.LINUX_64),
                new VmConfig.Machine(1, 128), List.of(), Optional.empty(),
                List.of(new VmConfig.NetworkInterface("eth0", "pmxnotap7", Optional.empty())), Optional.empty());
        assertThatThrownBy(() -> MicroVm.start(config, Console.outputOnly(new ByteArrayOutputStream())))
                .isInstanceOf(DeviceException.class)
                .hasMessage("network interface eth0: TAP pmxnotap7 does not exist");
    }

    @Test
    void pingAndBulkTcpBothWaysWithChecksums() throws Exception {
        tap = HostTap.create("pmxtap7", "tap").up(HOST_IP + "/24");
        VmConfig.NetworkInterface eth0 = new VmConfig.NetworkInterface("eth0", tap.name(), Optional.of(GUEST_MAC));
        try (GuestSession guest = GuestSession.bootWithNetwork(1, 256, List.of(eth0))) {
            assertThatThrownBy(() -> Tap.open(tap.name())).isInstanceOf(TapException.class)
                    .hasMessage("TAP " + tap.name() + " is in use by another process");
            guest.run("ip link set eth0 up && ip addr add " + GUEST_IP + "/24 dev eth0 && echo net''up", "netup");
            guest.run("cat /sys/class/net/eth0/address", "(?m)^" + GUEST_MAC + "\\s*$");
            assertThat(pingHost(guest)).as("echo replies of 3").isEqualTo(3);

            guestToHost(guest, BYTES);
            hostToGuest(guest);
            guest.run("cat /proc/net/dev | grep eth0", "eth0:");
            guest.reboot();
        }
    }

    /**
     * A guest restored from a snapshot has its network again (issue 14): the restored process
     * opens the TAP anew, the device goes on with the queues the guest set up, and ping and TCP
     * work without the guest configuring anything again.
     */
    @Test
    void afterARestoreTheGuestsNetworkWorksAgain() throws Exception {
        tap = HostTap.create("pmxtap7", "tap").up(HOST_IP + "/24");
        VmConfig.NetworkInterface eth0 = new VmConfig.NetworkInterface("eth0", tap.name(), Optional.of(GUEST_MAC));
        Snapshot snapshot;
        try (GuestSession guest = GuestSession.bootWithNetwork(1, 128, List.of(eth0))) {
            guest.run("ip link set eth0 up && ip addr add " + GUEST_IP + "/24 dev eth0 && echo net''up", "netup");
            assertThat(pingHost(guest)).as("echo replies of 3 before the snapshot").isEqualTo(3);
            guest.vm().pause();
            snapshot = guest.vm().snapshot();
        } // the TAP is free again
        try (snapshot; GuestSession restored = GuestSession.restore(snapshot, snapshot.config())) {
            assertThat(pingHost(restored)).as("echo replies of 3 after the restore").isEqualTo(3);
            guestToHost(restored, 1 << 20);
            restored.run("cat /sys/class/net/eth0/address", "(?m)^" + GUEST_MAC + "\\s*$");
        }
    }

    /** Pings the host's end three times, one echo each, and returns the replies. */
    private static int pingHost(GuestSession guest) throws Exception {
        // one echo per ping: busybox ping paces further echoes with a timer the guest kernel
        // lacks (no CONFIG_POSIX_TIMERS), while -c 1 ends on the first reply
        return Integer.parseInt(guest.run("n=0; for i in 1 2 3; do ping -c 1 " + HOST_IP
                + " && n=$((n+1)); done; echo ping-ok=$n", "ping-ok=(\\d+)\\r?\\n").group(1));
    }

    private static void guestToHost(GuestSession guest, int bytes) throws Exception {
        Matcher m = guest.run("dd if=/dev/urandom of=/tmp/f bs=64k count=" + bytes / 65536
                + " 2>/dev/null; sha256sum /tmp/f", "([0-9a-f]{64})  /tmp/f");
        String guestSum = m.group(1);
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(HOST_IP, 0));
            server.setSoTimeout((int) TimeUnit.SECONDS.toMillis(120));
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    long t0 = System.nanoTime();
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    byte[] buf = new byte[65536];
                    long total = 0;
                    for (int n; (n = in.read(buf)) > 0; ) {
                        sha.update(buf, 0, n);
                        total += n;
                    }
                    report("guest -> host", total, System.nanoTime() - t0);
                    return HexFormat.of().formatHex(sha.digest());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(guest.run("nc " + HOST_IP + " " + server.getLocalPort() + " < /tmp/f; echo nc-status=$?",
                    "nc-status=(\\d+)\\r?\\n").group(1)).as("nc's exit status").isEqualTo("0");
            assertThat(received.get(120, TimeUnit.SECONDS)).as("SHA-256 of what the host received").isEqualTo(guestSum);
        }
    }

    private static void hostToGuest(GuestSession guest) throws Exception {
        byte[] data = new byte[BYTES];
        new Random(7).nextBytes(data);
        String hostSum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        // stdin from a pipe that stays open: nc ends when the host closes, not when its stdin does
        guest.run("sleep 600 | nc -l -p " + GUEST_PORT + " > /tmp/g & echo list''ening", "listening");
        long t0 = System.nanoTime();
        try (Socket s = connectWithRetry(); OutputStream out = s.getOutputStream()) {
            out.write(data);
        }
        // busybox nc may stay after the host's FIN (its stdin is still open): wait for the bytes instead
        Matcher got = guest.run("i=0; while [ $(wc -c < /tmp/g) -lt " + BYTES + " ] && [ $i -lt 120 ]; do sleep 1;"
                + " i=$((i+1)); done; echo got=$(wc -c < /tmp/g)", "got=(\\d+)\\r?\\n");
        report("host -> guest", BYTES, System.nanoTime() - t0);
        assertThat(Long.parseLong(got.group(1))).as("bytes the guest received").isEqualTo(BYTES);
        Matcher m = guest.run("kill %1 2>/dev/null; sha256sum /tmp/g", "([0-9a-f]{64})  /tmp/g");
        assertThat(m.group(1)).as("SHA-256 of what the guest received").isEqualTo(hostSum);
    }

    /** The guest's nc starts listening a moment after the shell prints; try until it does. */
    private static Socket connectWithRetry() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(GUEST_IP, GUEST_PORT), 5000);
                return s;
            } catch (IOException e) {
                s.close();
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static void report(String direction, long bytes, long nanos) {
        double seconds = nanos / 1e9;
        System.out.printf("[net] %s: %d bytes in %.2f s = %.1f MiB/s%n", direction, bytes, seconds,
                bytes / seconds / (1 << 20));
    }
}
