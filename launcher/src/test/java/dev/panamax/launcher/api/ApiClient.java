package dev.panamax.launcher.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.io.Transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The tests' end of the API socket: Jetty's HTTP client over the Unix socket for requests a real
 * client makes, and a raw connection for what no well-behaved client sends (bad HTTP, slow or
 * oversized bodies).
 */
final class ApiClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: its status and body. */
    record Reply(int status, String body) {
        /** The {@code fault_message} of an error answer. */
        String fault() {
            try {
                return JSON.readTree(body).get("fault_message").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** What came back on a raw connection, and whether the server closed it. */
    record Raw(String text, boolean closedByServer) {}

    private final HttpClient http;
    private final Path socket;

    ApiClient(Path socket) throws Exception {
        this.socket = socket;
        http = new HttpClient();
        http.start();
    }

    Reply get(String path) throws Exception {
        return send("GET", path, null);
    }

    Reply put(String path, String body) throws Exception {
        return send("PUT", path, body);
    }

    Reply patch(String path, String body) throws Exception {
        return send("PATCH", path, body);
    }

    /** {@code method path} with {@code body} (null for none). */
    Reply send(String method, String path, String body) throws Exception {
        Request request = http.newRequest("http://localhost" + path).transport(new Transport.TCPUnix(socket))
                .method(method).timeout(20, TimeUnit.SECONDS);
        if (body != null) {
            request.body(new StringRequestContent("application/json", body));
        }
        ContentResponse response = request.send();
        return new Reply(response.getStatus(), response.getContentAsString());
    }

    /** Sends {@code request} as it is on a new connection and collects what comes back within {@code wait}. */
    Raw raw(String request, Duration wait) throws Exception {
        return raw(request.getBytes(StandardCharsets.ISO_8859_1), wait);
    }

    Raw raw(byte[] request, Duration wait) throws Exception {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        try {
            Thread reader = Thread.ofVirtual().start(() -> {
                ByteBuffer buffer = ByteBuffer.allocate(4096);
                try {
                    while (channel.read(buffer) >= 0) {
                        synchronized (got) {
                            got.write(buffer.array(), 0, buffer.position());
                        }
                        buffer.clear();
                    }
                } catch (IOException e) {
                    // closed by us after the wait, or reset by the server
                }
            });
            try {
                channel.write(ByteBuffer.wrap(request));
            } catch (IOException e) {
                // the server may close before taking all of an oversized request
            }
            reader.join(wait);
            boolean closedByServer = !reader.isAlive();
            channel.close(); // ends the reader's wait if the server did not
            reader.join();
            synchronized (got) {
                return new Raw(got.toString(StandardCharsets.ISO_8859_1), closedByServer);
            }
        } finally {
            channel.close();
        }
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
