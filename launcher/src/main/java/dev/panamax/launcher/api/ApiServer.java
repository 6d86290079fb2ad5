package dev.panamax.launcher.api;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Firecracker's REST API over HTTP/1.1 on a Unix domain socket ({@code --api-sock}), served by
 * Jetty. The socket file is created here and removed by {@link #close()} (and by Jetty's shutdown
 * hook when the process is ended by a signal); a path that already exists is refused rather than
 * replaced, since it may be another VM's socket.
 */
public final class ApiServer implements AutoCloseable {
    /**
     * How much a client may send and how slowly.
     *
     * @param maxBody     the longest body accepted, in bytes
     * @param idleTimeout how long a connection may stay silent (between requests, or inside one)
     * @param bodyTimeout how long a body may take to arrive in full, however steadily it trickles
     */
    public record Limits(int maxBody, Duration idleTimeout, Duration bodyTimeout) {
        /** Firecracker's {@code HTTP_MAX_PAYLOAD_SIZE} (51200 bytes); timeouts no API client comes near. */
        public static final Limits DEFAULT = new Limits(51_200, Duration.ofSeconds(30), Duration.ofSeconds(10));

        public Limits {
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(bodyTimeout, "bodyTimeout");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** Few: requests are small and carried out one at a time anyway (see {@link VmController}). */
    private static final int MAX_THREADS = 8;

    private final Server server;
    private final Path socket;

    private ApiServer(Server server, Path socket) {
        this.server = server;
        this.socket = socket;
    }

    /** Serves {@code vm} on a new socket at {@code socket}, with Firecracker's limits. */
    public static ApiServer start(Path socket, VmController vm) throws IOException {
        return start(socket, vm, Limits.DEFAULT);
    }

    /**
     * Serves {@code vm} on a new socket at {@code socket}.
     *
     * @throws FileAlreadyExistsException when something is at {@code socket} already
     * @throws IOException                when the socket cannot be made there
     */
    public static ApiServer start(Path socket, VmController vm, Limits limits) throws IOException {
        if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(socket.toString());
        }
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
        threads.setName("api");
        threads.setDaemon(true); // the launcher decides when the process ends, not the server
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        UnixDomainServerConnector connector = new UnixDomainServerConnector(server, new HttpConnectionFactory(http));
        connector.setUnixDomainPath(socket);
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        server.addConnector(connector);
        server.setHandler(new ApiHandler(new ApiRoutes(vm), limits));
        server.setErrorHandler(new FaultErrorHandler());
        server.setStopAtShutdown(true);
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            Files.deleteIfExists(socket); // nothing was there before
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        LOG.info("API server listening on {}", socket);
        return new ApiServer(server, socket);
    }

    /** The socket's path. */
    public Path socket() {
        return socket;
    }

    /** Stops serving and removes the socket file. */
    @Override
    public void close() throws IOException {
        stopQuietly(server);
        Files.deleteIfExists(socket);
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("the API server did not stop cleanly", e);
        }
    }
}
