package dev.panamax.it;

import dev.panamax.kvm.testing.BootsLinux;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static dev.panamax.it.SnapshotChecks.TICKING;
import static dev.panamax.it.SnapshotChecks.assertTicksGoOn;
import static dev.panamax.it.SnapshotChecks.debugfsCat;
import static dev.panamax.it.SnapshotChecks.lastTick;
import static dev.panamax.it.SnapshotChecks.line;
import static dev.panamax.it.SnapshotChecks.mkfs;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Snapshot and restore across processes, through the launcher as Firecracker's users drive it:
 * a {@code panamax --config-file --api-sock} process boots the test guest with a data drive; the
 * guest sets a variable, starts a ticking loop and writes a file; {@code PATCH /vm} pauses it,
 * {@code PUT /snapshot/create} writes the two files, and the process is killed with SIGKILL. A
 * new {@code panamax --snapshot-load STATE,MEM} process goes on with the same guest: the
 * variable, the ticks from where they stopped, the file, a new write that reaches the image.
 */
@BootsLinux
class SnapshotProcessIT {

    @TempDir
    Path dir;

    @Test
    void aSnapshotTakenThroughTheApiGoesOnInANewProcess() throws Exception {
        Path image = dir.resolve("data.ext4");
        mkfs(image);
        Path config = Files.writeString(dir.resolve("vm.json"), """
                {"boot-source": {"kernel_image_path": "%s", "initrd_path": "%s", "boot_args": "%s"},
                 "machine-config": {"vcpu_count": 1, "mem_size_mib": 128},
                 "drives": [{"drive_id": "data", "path_on_host": "%s", "is_root_device": false, "is_read_only": false}]}
                """.formatted(TestHost.guestArtifact("bzImage"), TestHost.guestArtifact("initramfs.cpio.gz"),
                GuestSession.QUIET, image));
        Path socket = dir.resolve("api.sock");
        Path state = dir.resolve("vm.snap");
        Path memory = dir.resolve("vm.mem");

        int lastTick;
        Launched first = launch("--config-file", config.toString(), "--api-sock", socket.toString());
        try {
            int cursor = first.console.await(GuestSession.MARKER, 0, GuestSession.TIMEOUT).end();
            cursor = first.console.await(Pattern.quote(GuestSession.PROMPT), cursor, GuestSession.TIMEOUT).end();
            cursor = first.run("mkdir -p /mnt && mount /dev/vda /mnt && echo mounted-ok", line("mounted-ok"), cursor);
            cursor = first.run("SNAP=across; echo set-$SNAP", "set-across", cursor);
            cursor = first.run("echo first-process > /mnt/a && sync && echo synced-ok", line("synced-ok"), cursor);
            first.run(TICKING, "TICK 2\\r?\\n", cursor);
            assertThat(http(socket, "PATCH", "/vm", "{\"state\": \"Paused\"}")).startsWith("HTTP/1.1 204");
            lastTick = lastTick(first.console.text());
            String created = http(socket, "PUT", "/snapshot/create", "{\"snapshot_type\": \"Full\", \"snapshot_path\": \""
                    + state + "\", \"mem_file_path\": \"" + memory + "\"}");
            assertThat(created).as(created).startsWith("HTTP/1.1 204");
        } finally {
            first.process.destroyForcibly(); // SIGKILL: the snapshot must not need a clean exit
            assertThat(first.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }

        Launched second = launch("--snapshot-load", state + "," + memory);
        try {
            second.type("echo var-$SNAP");
            int cursor = second.console.await("var-across", 0, GuestSession.TIMEOUT).end();
            second.console.await("TICK " + (lastTick + 3) + "\\r?\\n", 0, GuestSession.TIMEOUT);
            assertTicksGoOn(second.console.text(), lastTick);
            second.run("cat /mnt/a; echo second-process > /mnt/b && umount /mnt && echo unmounted-ok",
                    line("first-process") + "[\\s\\S]*?" + line("unmounted-ok"), cursor);
            second.type("reboot -f");
            assertThat(second.process.waitFor(GuestSession.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(second.process.exitValue()).as("the restored launcher's exit status").isZero();
        } finally {
            second.process.destroyForcibly();
        }
        assertThat(debugfsCat(image, "/b")).isEqualTo("second-process\n");
    }

    /** A launcher process, its console copied into a {@link GuestConsole} by a thread. */
    private record Launched(Process process, GuestConsole console, OutputStream keyboard) {
        void type(String line) throws IOException {
            keyboard.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            keyboard.flush();
        }

        int run(String command, String regex, int from) throws IOException, InterruptedException {
            type(command);
            return console.await(regex, from, GuestSession.TIMEOUT).end();
        }
    }

    private Launched launch(String... args) throws IOException {
        List<String> command = TestHost.launcherCommand(List.of());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        GuestConsole console = new GuestConsole();
        Thread.ofPlatform().daemon().name("launcher-console").start(() -> {
            try (InputStream out = p.getInputStream()) {
                out.transferTo(console);
            } catch (IOException e) {
                // the process ended
            }
        });
        return new Launched(p, console, p.getOutputStream());
    }

    /** One HTTP/1.1 request on the API socket; the whole answer (Connection: close). */
    private static String http(Path socket, String method, String path, String body) throws IOException {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        String request = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + content.length + "\r\nConnection: close\r\n\r\n" + body;
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            return new String(java.nio.channels.Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
