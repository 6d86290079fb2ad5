package dev.panamax.virtio;

import dev.panamax.virtio.DriverQueue.Buf;
import dev.panamax.virtio.vsock.VsockDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A vsock device restored from a snapshot tells the guest its transport was reset (virtio 1.2
 * 5.10.6.5: VIRTIO_VSOCK_EVENT_TRANSPORT_RESET, id 0), as Firecracker does: the restored
 * process has none of the old one's host sockets, so the guest must drop its connections.
 */
class VsockRestoreTest {
    @TempDir
    Path tmp;

    /** A vsock device on {@code uds} behind a fresh transport over the driver's RAM, restored from its state. */
    private static VsockDevice restore(VsockGuest old, Path uds) {
        TransportState transport = old.driver.device.saveState();
        DeviceState device = old.driver.device.saveDeviceState();
        VsockDevice fresh = VsockDevice.open(VsockGuest.CID, uds, () -> { });
        new VirtioMmioDevice(old.driver.memory, fresh, () -> { }, q -> { }).restoreState(transport, device);
        return fresh;
    }

    @Test
    void theRestoredDevicePutsATransportResetEventInTheGuestsEventBuffer() {
        try (VsockGuest guest = new VsockGuest(tmp.resolve("old.sock"))) {
            DriverQueue events = guest.driver.queue(VsockDevice.EVENT);
            long buffer = guest.driver.alloc(8, 8);
            guest.driver.memory.writeU64(buffer, -1L); // not 0, so that the event id 0 shows
            int id = events.submit(List.of(Buf.out(buffer, 8)));
            assertThat(events.takeUsed()).as("no event before the restore").isEmpty();

            VsockDevice restored = restore(guest, tmp.resolve("new.sock"));
            try {
                assertThat(events.takeUsed()).containsExactly(new DriverQueue.Used(id, 4));
                assertThat(guest.driver.memory.readU32(buffer)).as("the event id").isZero();
                assertThat(guest.driver.memory.readU32(buffer + 4)).as("past the event: untouched").isEqualTo(-1);
            } finally {
                restored.reset();
                restored.close();
            }
        }
    }

    private static SocketChannel hostConnect(Path uds, int port) throws IOException {
        SocketChannel s = SocketChannel.open(UnixDomainSocketAddress.of(uds));
        s.write(ByteBuffer.wrap(("CONNECT " + port + "\n").getBytes(StandardCharsets.US_ASCII)));
        return s;
    }

    @Test
    void afterARestoreAHostConnectionReachesTheGuestAgain() throws Exception {
        try (VsockGuest guest = new VsockGuest(tmp.resolve("old.sock"));
             SocketChannel before = hostConnect(tmp.resolve("old.sock"), 5000)) {
            VsockGuest.Packet request = guest.await(VsockGuest.op(VsockGuest.REQUEST));
            guest.send(request, VsockGuest.RESPONSE);
            assertThat(VsockDeviceTest.readLine(before))
                    .isEqualTo("OK " + Integer.toUnsignedString(request.srcPort()) + "\n");
            try (VsockGuest restored = VsockGuest.restored(guest, tmp.resolve("new.sock"));
                 SocketChannel after = hostConnect(tmp.resolve("new.sock"), 5000)) {
                VsockGuest.Packet again = restored.await(VsockGuest.op(VsockGuest.REQUEST));
                // the guest may still hold the old connection: a new one must not look like it
                assertThat(again.srcPort()).isNotEqualTo(request.srcPort());
                restored.send(again, VsockGuest.RESPONSE);
                assertThat(VsockDeviceTest.readLine(after))
                        .isEqualTo("OK " + Integer.toUnsignedString(again.srcPort()) + "\n");
            }
        }
    }

    /**
     * The guest's driver resets every connected socket when it handles TRANSPORT_RESET; a host
     * connect accepted before that would be reset with the old ones. So its REQUEST waits until
     * the guest re-posts the event buffer (which it does after handling the event), and the
     * device asks for that kick through avail_event (EVENT_IDX).
     */
    @Test
    void aHostConnectWaitsUntilTheGuestHasHandledTheTransportReset() throws Exception {
        try (VsockGuest guest = new VsockGuest(tmp.resolve("old.sock"))) {
            DriverQueue events = guest.driver.queue(VsockDevice.EVENT);
            long first = guest.driver.alloc(4, 8);
            long second = guest.driver.alloc(4, 8);
            int used = events.submit(List.of(Buf.out(first, 4)));
            events.submit(List.of(Buf.out(second, 4))); // still posted after the event: no re-arm by an empty ring
            try (VsockGuest restored = VsockGuest.restored(guest, tmp.resolve("new.sock"));
                 SocketChannel host = hostConnect(tmp.resolve("new.sock"), 5000)) {
                assertThat(events.takeUsed()).containsExactly(new DriverQueue.Used(used, 4));
                assertThat(events.availEvent()).as("avail_event: the driver's next post kicks")
                        .isEqualTo(events.availIdx());
                restored.settle(Duration.ofMillis(500));
                assertThat(restored.received).as("packets before the guest handled the reset").isEmpty();

                events.submit(List.of(Buf.out(first, 4)));
                restored.driver.kick(VsockDevice.EVENT);
                VsockGuest.Packet request = restored.await(VsockGuest.op(VsockGuest.REQUEST));
                restored.send(request, VsockGuest.RESPONSE);
                assertThat(VsockDeviceTest.readLine(host))
                        .isEqualTo("OK " + Integer.toUnsignedString(request.srcPort()) + "\n");
            }
        }
    }

    /** A guest that never re-posts its event buffer holds host connects up no longer than the hold. */
    @Test
    void withoutTheGuestsKickAHostConnectGoesOnAfterTheHold() throws Exception {
        try (VsockGuest guest = new VsockGuest(tmp.resolve("old.sock"))) {
            guest.driver.queue(VsockDevice.EVENT).submit(List.of(Buf.out(guest.driver.alloc(4, 8), 4)));
            try (VsockGuest restored = VsockGuest.restored(guest, tmp.resolve("new.sock"));
                 SocketChannel host = hostConnect(tmp.resolve("new.sock"), 5000)) {
                long begin = System.nanoTime();
                VsockGuest.Packet request = restored.await(VsockGuest.op(VsockGuest.REQUEST), Duration.ofSeconds(30));
                assertThat(Duration.ofNanos(System.nanoTime() - begin)).as("held for about five seconds")
                        .isBetween(Duration.ofSeconds(3), Duration.ofSeconds(20));
                restored.send(request, VsockGuest.RESPONSE);
                assertThat(VsockDeviceTest.readLine(host)).startsWith("OK ");
            }
        }
    }

    @Test
    void withNoEventBufferPostedTheRestoredDeviceUsesNothing() {
        try (VsockGuest guest = new VsockGuest(tmp.resolve("old.sock"))) {
            DriverQueue events = guest.driver.queue(VsockDevice.EVENT);
            VsockDevice restored = restore(guest, tmp.resolve("new.sock"));
            try {
                assertThat(events.takeUsed()).isEmpty();
            } finally {
                restored.reset();
                restored.close();
            }
        }
    }
}
