package dev.panamax.junit;

import dev.panamax.junit.AgentProtocol.Exit;
import dev.panamax.junit.AgentProtocol.Failure;
import dev.panamax.junit.AgentProtocol.FileData;
import dev.panamax.junit.AgentProtocol.Frame;
import dev.panamax.junit.AgentProtocol.Ok;
import dev.panamax.junit.AgentProtocol.Output;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The host's end of {@link AgentProtocol}: one connection per request, so requests from many
 * threads run side by side. With a vsock port it goes through Firecracker's convention (connect
 * to the device's Unix socket, write {@code CONNECT <port>\n}, read {@code OK <host port>\n});
 * without one the socket is the agent's own (the agent's host-side tests).
 *
 * <p>Every request has a deadline: when it passes, the connection is closed from a timer thread,
 * which unblocks the read and tells the agent to kill the command.
 */
final class AgentClient {
    /** Bounds the handshake reply, which is a short line. */
    private static final int MAX_HANDSHAKE_LINE = 64;

    private final Path socket;
    private final OptionalInt vsockPort;
    private final ScheduledExecutorService timers;

    AgentClient(Path socket, OptionalInt vsockPort, ScheduledExecutorService timers) {
        this.socket = socket;
        this.vsockPort = vsockPort;
        this.timers = timers;
    }

    ExecResult exec(ExecRequest request) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Frame last = call(request.toFrame(), request.timeout(), "exec " + request.argv(), f -> {
            if (f instanceof Output o) {
                (o.stream() == AgentProtocol.Stream.STDOUT ? out : err).writeBytes(o.data());
                return false;
            }
            return true;
        }, (what, cause) -> new GuestTimeoutException(what + " did not finish within " + request.timeout()
                + "; it printed so far: stdout=" + out.toString(StandardCharsets.UTF_8)
                + " stderr=" + err.toString(StandardCharsets.UTF_8), out.toByteArray(), err.toByteArray()));
        if (last instanceof Exit e) {
            return new ExecResult(e.status(), out.toByteArray(), err.toByteArray());
        }
        throw unexpected("exec " + request.argv(), last);
    }

    void putFile(String path, int mode, byte[] data, Duration timeout) {
        Frame last = call(new AgentProtocol.PutFile(path, mode, data), timeout, "copy to " + path, f -> true,
                (what, cause) -> new GuestTimeoutException(what + " did not finish within " + timeout,
                        new byte[0], new byte[0]));
        if (!(last instanceof Ok)) {
            throw unexpected("copy to " + path, last);
        }
    }

    byte[] getFile(String path, Duration timeout) {
        Frame last = call(new AgentProtocol.GetFile(path), timeout, "copy from " + path, f -> true,
                (what, cause) -> new GuestTimeoutException(what + " did not finish within " + timeout,
                        new byte[0], new byte[0]));
        if (last instanceof FileData d) {
            return d.data();
        }
        throw unexpected("copy from " + path, last);
    }

    private static GuestException unexpected(String what, Frame f) {
        if (f instanceof Failure x) {
            return new GuestException(what + " failed in the guest: " + x.message());
        }
        return new GuestException(what + ": the agent answered with an unexpected " + f);
    }

    /** Decides whether a reply is the last one. */
    private interface Last {
        boolean test(Frame f);
    }

    private interface TimeoutReport {
        GuestTimeoutException of(String what, Throwable cause);
    }

    /** Sends {@code request} and reads replies until one is the last (or a failure); returns that one. */
    private Frame call(Frame request, Duration timeout, String what, Last isLast, TimeoutReport onTimeout) {
        AtomicBoolean timedOut = new AtomicBoolean();
        SocketChannel ch;
        try {
            ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw new GuestException(what + ": cannot reach the agent through " + socket + ": " + e.getMessage(), e);
        }
        ScheduledFuture<?> alarm = timers.schedule(() -> {
            timedOut.set(true);
            close(ch);
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        try (ch) {
            InputStream in = new BufferedInputStream(Channels.newInputStream(ch), 64 * 1024);
            if (vsockPort.isPresent()) {
                handshake(ch, in, vsockPort.getAsInt());
            }
            ByteBuffer frame = ByteBuffer.wrap(AgentProtocol.encode(request));
            while (frame.hasRemaining()) {
                ch.write(frame);
            }
            while (true) {
                Frame f = AgentProtocol.read(in).orElseThrow(() -> new GuestException(
                        what + ": the agent closed the connection without an answer"));
                if (f instanceof Failure || isLast.test(f)) {
                    return f;
                }
            }
        } catch (IOException e) {
            if (timedOut.get()) {
                throw onTimeout.of(what, e);
            }
            throw new GuestException(what + ": " + e, e);
        } finally {
            alarm.cancel(false);
        }
    }

    /** Firecracker's host-initiated vsock connection: {@code CONNECT port}, answered {@code OK hostport}. */
    private static void handshake(SocketChannel ch, InputStream in, int port) throws IOException {
        ch.write(ByteBuffer.wrap(("CONNECT " + port + "\n").getBytes(StandardCharsets.US_ASCII)));
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the vsock device closed the connection to port " + port
                        + " (nothing listens there in the guest?)");
            }
            if (line.length() >= MAX_HANDSHAKE_LINE) {
                throw new IOException("the vsock device's answer to CONNECT is too long: " + line);
            }
            line.append((char) c);
        }
        if (!line.toString().startsWith("OK ")) {
            throw new IOException("the vsock device answered CONNECT " + port + " with: " + line);
        }
    }

    private static void close(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // closing is how the timeout unblocks the reader; a failed close leaves nothing to do
        }
    }
}
