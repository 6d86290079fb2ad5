package dev.panamax.it;

import dev.panamax.kvm.testing.BootsLinux;
import dev.panamax.launcher.api.ApiServer;
import dev.panamax.launcher.api.MicroVmLifecycle;
import dev.panamax.launcher.api.VmController;
import dev.panamax.launcher.config.PreBootConfig;
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
 * {@code PUT /boot-source}, {@code PUT /drives/rootfs} (the test rootfs image as the root device),
 * {@code PUT /machine-config}, {@code PUT /actions InstanceStart}, then the guest's init marker on
 * the console. ({@code PUT /logger}, the guide's first step, is refused by Panamax for now; the
 * network step needs virtio-net.)
 */
@BootsLinux
class ApiIT {
    @TempDir
    Path dir;

    @Test
    void firecrackersGettingStartedSequenceBootsTheGuestToItsInit() throws Exception {
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
            assertThat(put(http, socket, "/machine-config", "{\"vcpu_count\": 1, \"mem_size_mib\": 128}").getStatus())
                    .isEqualTo(204);
            ContentResponse start = put(http, socket, "/actions", "{\"action_type\": \"InstanceStart\"}");
            assertThat(start.getStatus()).as(start.getContentAsString()).isEqualTo(204);
            assertThat(send(http, socket, "GET", "/", null).getContentAsString()).contains("\"state\":\"Running\"");
            try (MicroVm vm = started.get()) {
                try {
                    int marker = console.await(GuestSession.MARKER, 0, GuestSession.TIMEOUT).end();
                    console.await(Pattern.quote(GuestSession.PROMPT), marker, GuestSession.TIMEOUT);
                } catch (AssertionError e) {
                    throw BootHang.of(vm, e.getMessage(), e);
                }
                console.type("reboot -f");
                return vm.awaitStop(GuestSession.TIMEOUT).orElseThrow(() -> new AssertionError(
                        "the guest did not reboot; console:\n" + console.text()));
            }
        } finally {
            http.stop();
        }
    }

    private static ContentResponse put(HttpClient http, Path socket, String path, String json) throws Exception {
        return send(http, socket, "PUT", path, json);
    }

    private static ContentResponse send(HttpClient http, Path socket, String method, String path, String json)
            throws Exception {
        Request request = http.newRequest("http://localhost" + path).transport(new Transport.TCPUnix(socket))
                .method(method);
        return (json == null ? request : request.body(new StringRequestContent("application/json", json))).send();
    }
}
