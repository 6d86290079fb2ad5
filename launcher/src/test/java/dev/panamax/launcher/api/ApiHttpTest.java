package dev.panamax.launcher.api;

import dev.panamax.config.PreBootConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP side: unknown routes, the body limit, slow and broken clients, the socket file. */
class ApiHttpTest extends ApiServerFixture {
    private static final int MAX = ApiServer.Limits.DEFAULT.maxBody();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "GET | /nope | ",
        "GET | /vm | ",
        "GET | /drives/rootfs | ",
        "PUT | /drives | {}",
        "PUT | /boot-source/extra | {}",
        "POST | /actions | {\"action_type\": \"InstanceStart\"}",
        "DELETE | /drives/rootfs | ",
        "PUT | / | {}"})
    void unknownPathsAndMethodsAreRefusedAsFirecrackerRefusesThem(String method, String path, String body)
            throws Exception {
        assertFault(client.send(method, path, body), "Invalid request method and/or path: " + method + " " + path + ".");
        assertStillServing();
    }

    @Test
    void firecrackersRulesForBodiesAndIds() throws Exception {
        assertFault(client.send("GET", "/machine-config", "{}"), "GET request cannot have a body.");
        assertFault(client.send("PUT", "/boot-source", null), "Empty PUT request.");
        assertFault(client.send("PATCH", "/vm", null), "Empty PATCH request.");
        assertFault(client.put("/drives/root-fs", drive("root-fs", rootfs, true)),
                "API Resource IDs can only contain alphanumeric characters and underscores.");
        assertThat(client.get("/machine-config/").status()).isEqualTo(200);
    }

    @Test
    void aBodyOverFirecrackersLimitIsRefusedWithoutReadingIt() throws Exception {
        ApiClient.Reply reply = client.put("/boot-source", "{" + " ".repeat(MAX) + "}");
        assertFault(reply, "Request payload with size " + (MAX + 2) + " is larger than the limit of " + MAX
                + " allowed by server.");
        ApiClient.Raw huge = client.raw("PUT /boot-source HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\n\r\n{",
                WAIT);
        assertThat(huge.text()).startsWith("HTTP/1.1 400 ").contains("is larger than the limit of " + MAX);
        assertThat(huge.closedByServer()).isTrue();
        assertStillServing();
    }

    @Test
    void aBodyOfExactlyTheLimitIsRead() throws Exception {
        String json = "{\"vcpu_count\": 2, \"mem_size_mib\": 256}";
        assertThat(client.put("/machine-config", json + " ".repeat(MAX - json.length())).status()).isEqualTo(204);
    }

    @Test
    void aChunkedBodyOverTheLimitIsCutOff() throws Exception {
        String chunk = " ".repeat(MAX + 10);
        ApiClient.Raw raw = client.raw("PUT /machine-config HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n", WAIT);
        assertThat(raw.text()).startsWith("HTTP/1.1 400 ")
                .contains("{\"fault_message\":\"Request payload is larger than the limit of " + MAX);
        assertStillServing();
    }

    @Test
    void aClientThatNeverFinishesItsBodyIsAnsweredAndCutOff() throws Exception {
        long start = System.nanoTime();
        ApiClient.Raw raw = client.raw("PUT /machine-config HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"vcpu",
                WAIT);
        assertThat(raw.text()).startsWith("HTTP/1.1 400 ").contains("Request payload not received within 1000 ms.");
        assertThat(raw.closedByServer()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WAIT);
        assertStillServing();
    }

    @Test
    void anIdleConnectionIsClosed() throws Exception {
        ApiClient.Raw raw = client.raw("", WAIT);
        assertThat(raw.closedByServer()).isTrue();
        assertThat(raw.text()).isEmpty();
        assertStillServing();
    }

    @Test
    void whatIsNotHttpGetsAJsonFault() throws Exception {
        ApiClient.Raw garbage = client.raw("NOT HTTP AT ALL\r\n\r\n", WAIT);
        assertThat(garbage.text()).startsWith("HTTP/1.1 400 ").contains("{\"fault_message\":");
        ApiClient.Raw bigHeader = client.raw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n",
                WAIT);
        assertThat(bigHeader.text()).startsWith("HTTP/1.1 431 ").contains("{\"fault_message\":");
        assertStillServing();
    }

    @Test
    void severalRequestsShareAConnection() throws Exception {
        String body = "{\"vcpu_count\": 3, \"mem_size_mib\": 64}";
        ApiClient.Raw raw = client.raw("GET /version HTTP/1.1\r\nHost: x\r\n\r\n"
                + "PUT /machine-config HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
                + "GET /machine-config HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", WAIT);
        assertThat(raw.text()).contains("{\"firecracker_version\":\"test-1.2.3\"}", "HTTP/1.1 204 ",
                "{\"vcpu_count\":3,\"mem_size_mib\":64,");
    }

    @Test
    void theSocketIsMadeByTheServerAndRemovedWhenItStops() throws Exception {
        assertThat(socket).exists();
        assertThat(Files.isRegularFile(socket)).isFalse();
        server.close();
        assertThat(socket).doesNotExist();
    }

    @Test
    void aPathThatExistsIsNotTakenOver() throws Exception {
        java.nio.file.Path taken = Files.writeString(dir.resolve("taken"), "someone else's");
        VmController controller = new VmController(PreBootConfig.empty(dir), vm, VERSION, "anonymous-instance");
        assertThatThrownBy(() -> ApiServer.start(taken, controller)).isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining(taken.toString());
        assertThatThrownBy(() -> ApiServer.start(socket, controller)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(taken).hasContent("someone else's");
        assertStillServing();
    }
}
