package dev.panamax.it;

import dev.panamax.kvm.testing.BootsLinux;
import dev.panamax.launcher.api.ApiServer;
import dev.panamax.launcher.api.MicroVmLifecycle;
import dev.panamax.launcher.api.VmController;
import dev.panamax.config.PreBootConfig;
import dev.panamax.vcpu.StopReason;
import dev.panamax.vmm.Console;
import dev.panamax.vmm.MicroVm;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.io.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Firecracker's getting-started sequence against the real API server, booting the real guest:
 * {@code PUT /boot-source}, {@code PUT /drives/rootfs} (the test rootfs image as the root device)
 * and a data drive, {@code PUT /machine-config}, {@code PUT /metrics},
 * {@code PUT /actions InstanceStart}, the guest's shell; then the running VM through the API:
 * pause and resume, {@code PATCH /drives/data} with a bigger image (the guest sees its size),
 * {@code FlushMetrics} (the guest's disk reads and exits counted), and {@code SendCtrlAltDel},
 * which the guest answers by rebooting.
 */
@BootsLinux
class ApiIT {
    @TempDir
    Path dir;

    @Test
    void firecrackersGettingStartedSequenceThenTheRunningVmThroughTheApi() throws Exception {
        Path rootfs = Files.copy(TestHost.guestArtifact("rootfs.ext4"), dir.resolve("rootfs.ext4"));
        Path kernel = TestHost.guestArtifact("bzImage");
        StopReason stopped = BootHang.retriedOnceInNestedHost(() -> bootThroughTheApi(kernel, rootfs));
        assertThat(stopped).isEqualTo(new StopReason.Reset("i8042 reset command"));
    }

    private StopReason bootThroughTheApi(Path kernel, Path rootfs) throws Exception {
        GuestConsole console = new GuestConsole();
        AtomicReference<MicroVm> started = new AtomicReference<>();
        VmController controller = new VmController(PreBootConfig.empty(dir), config -> {
            MicroVm vm = MicroVm.start(config, new Console(Optional.of(console.input()), console));
            started.set(vm);
            return new MicroVmLifecycle(vm);
        }, "it", "api-it");
        Path socket = dir.resolve("api.sock");
        HttpClient http = new HttpClient();
        try (ApiServer server = ApiServer.start(socket, controller)) {
            http.start();
            assertThat(put(http, socket, "/boot-source", "{\"kernel_image_path\": \"%s\", \"boot_args\": \"%s\"}"
                    .formatted(kernel, GuestSession.QUIET)).getStatus()).isEqualTo(204);
            assertThat(put(http, socket, "/drives/rootfs", "{\"drive_id\": \"rootfs\", \"path_on_host\": \"%s\", "
                    .formatted(rootfs) + "\"is_root_device\": true, \"is_read_only\": false}").getStatus())
                    .isEqualTo(204);
            Path data = Files.write(dir.resolve("data.img"), new byte[1 << 20]);
            assertThat(put(http, socket, "/drives/data", "{\"drive_id\": \"data\", \"path_on_host\": \"%s\", "
                    .formatted(data) + "\"is_root_device\": false}").getStatus()).isEqualTo(204);
            assertThat(put(http, socket, "/machine-config", "{\"vcpu_count\": 1, \"mem_size_mib\": 128}").getStatus())
                    .isEqualTo(204);
            Path metrics = dir.resolve("metrics.json");
            assertThat(put(http, socket, "/metrics", "{\"metrics_path\": \"%s\"}".formatted(metrics)).getStatus())
                    .isEqualTo(204);
            ContentResponse start = put(http, socket, "/actions", "{\"action_type\": \"InstanceStart\"}");
            assertThat(start.getStatus()).as(start.getContentAsString()).isEqualTo(204);
            assertThat(send(http, socket, "GET", "/", null).getContentAsString()).contains("\"state\":\"Running\"");
            try (MicroVm vm = started.get()) {
                int cursor;
                try {
                    int marker = console.await(GuestSession.MARKER, 0, GuestSession.TIMEOUT).end();
                    cursor = console.await(Pattern.quote(GuestSession.PROMPT), marker, GuestSession.TIMEOUT).end();
                } catch (AssertionError e) {
                    throw BootHang.of(vm, e.getMessage(), e);
                }
                // pause and resume through the API; the guest's shell answers afterwards
                assertThat(patch(http, socket, "/vm", "{\"state\": \"Paused\"}").getStatus()).isEqualTo(204);
                assertThat(send(http, socket, "GET", "/", null).getContentAsString()).contains("\"state\":\"Paused\"");
                assertThat(patch(http, socket, "/vm", "{\"state\": \"Resumed\"}").getStatus()).isEqualTo(204);
                // a running drive gets a bigger image: the guest sees 3 MiB (6144 sectors) instead of 1 MiB
                Path bigger = Files.write(dir.resolve("bigger.img"), new byte[3 << 20]);
                assertThat(patch(http, socket, "/drives/data", "{\"drive_id\": \"data\", \"path_on_host\": \"%s\"}"
                        .formatted(bigger)).getStatus()).isEqualTo(204);
                console.type("cat /sys/block/vdb/size");
                cursor = console.await("(?m)^6144\\r?$", cursor, GuestSession.TIMEOUT).end();
                // metrics: the root drive was read, the vCPU exited to Panamax
                assertThat(put(http, socket, "/actions", "{\"action_type\": \"FlushMetrics\"}").getStatus())
                        .isEqualTo(204);
                String line = Files.readAllLines(metrics).getLast();
                assertThat(line).containsPattern("\"block_rootfs\":\\{\"read_bytes\":[1-9]")
                        .containsPattern("\"vcpu\":\\{\"exit_io_in\":[1-9]");
                // Ctrl+Alt+Del through the API: the guest's keyboard driver reboots it (reboot=k: i8042 reset)
                assertThat(put(http, socket, "/actions", "{\"action_type\": \"SendCtrlAltDel\"}").getStatus())
                        .isEqualTo(204);
                return vm.awaitStop(GuestSession.TIMEOUT).orElseThrow(() -> new AssertionError(
                        "the guest did not reboot after Ctrl+Alt+Del; console:\n" + console.text()));
            }
        } finally {
            http.stop();
        }
    }

    private static ContentResponse put(HttpClient http, Path socket, String path, String json) throws Exception {
        return send(http, socket, "PUT", path, json);
    }

    private static ContentResponse patch(HttpClient http, Path socket, String path, String json) throws Exception {
        return send(http, socket, "PATCH", path, json);
    }

    private static ContentResponse send(HttpClient http, Path socket, String method, String path, String json)
            throws Exception {
        Request request = http.newRequest("http://localhost" + path).transport(new Transport.TCPUnix(socket))
                .method(method);
        return (json == null ? request : request.body(new StringRequestContent("application/json", json))).send();
    }
}
