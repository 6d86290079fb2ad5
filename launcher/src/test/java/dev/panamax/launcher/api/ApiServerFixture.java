package dev.panamax.launcher.api;

import dev.panamax.config.PreBootConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real API server on a socket in a temporary folder, driving a {@link FakeVm}, and a client
 * talking to it; files for the configs to name (any readable file will do as a kernel: nothing
 * boots). Short timeouts, so that the slow-client tests are quick.
 */
abstract class ApiServerFixture {
    static final String VERSION = "test-1.2.3";
    static final ApiServer.Limits LIMITS = new ApiServer.Limits(ApiServer.Limits.DEFAULT.maxBody(),
            Duration.ofSeconds(2), Duration.ofSeconds(1));

    @TempDir
    Path dir;
    Path socket;
    Path kernel;
    Path rootfs;
    Path data;
    final FakeVm vm = new FakeVm();
    ApiServer server;
    ApiClient client;

    @BeforeEach
    void startServer() throws Exception {
        kernel = Files.writeString(dir.resolve("vmlinux"), "kernel");
        rootfs = Files.write(dir.resolve("rootfs.ext4"), new byte[4096]);
        data = Files.write(dir.resolve("data.img"), new byte[4096]);
        socket = dir.resolve("api.sock");
        server = ApiServer.start(socket, new VmController(PreBootConfig.empty(dir), vm, VERSION, "anonymous-instance"), LIMITS);
        client = new ApiClient(socket);
    }

    @AfterEach
    void stopServer() throws Exception {
        client.close();
        server.close();
    }

    /** A body naming a file, with {@code %s} for its path. */
    static String json(String template, Path file) {
        return template.formatted(file);
    }

    String bootSource() {
        return json("{\"kernel_image_path\": \"%s\", \"boot_args\": \"console=ttyS0\"}", kernel);
    }

    String drive(String id, Path file, boolean root) {
        return "{\"drive_id\": \"%s\", \"path_on_host\": \"%s\", \"is_root_device\": %s}".formatted(id, file, root);
    }

    /** Boot source, then InstanceStart: the fake VM is running. */
    void start() throws Exception {
        assertThat(client.put("/boot-source", bootSource()).status()).isEqualTo(204);
        assertThat(client.put("/actions", "{\"action_type\": \"InstanceStart\"}").status()).isEqualTo(204);
    }

    /** The answer to {@code GET /}'s {@code state}. */
    String state() throws Exception {
        ApiClient.Reply reply = client.get("/");
        assertThat(reply.status()).isEqualTo(200);
        return reply.body().replaceAll(".*\"state\":\"([^\"]*)\".*", "$1");
    }

    /** Asserts that {@code reply} is a 400 whose fault message is {@code message}. */
    static void assertFault(ApiClient.Reply reply, String message) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.fault()).isEqualTo(message);
    }

    /** Still serving: every refusal leaves the server as it was. */
    void assertStillServing() throws Exception {
        assertThat(client.get("/").status()).isEqualTo(200);
    }
}
