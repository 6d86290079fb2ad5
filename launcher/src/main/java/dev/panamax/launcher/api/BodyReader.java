package dev.panamax.launcher.api;

import org.eclipse.jetty.io.Content;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * Reads a request body without holding a thread while the client is slow to send it, and stops
 * at {@code max} bytes: a body that is longer fails with {@link TooLarge} after at most
 * {@code max} bytes have been kept (Jetty's own {@code Content.Source.asByteArrayAsync} fails the
 * whole request instead, which leaves no way to answer it).
 */
final class BodyReader implements Runnable {
    /** A body over the limit; its message is the fault to answer with. */
    static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message, null, false, false);
        }
    }

    private final Content.Source source;
    private final int max;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();

    private BodyReader(Content.Source source, int max) {
        this.source = source;
        this.max = max;
    }

    /** The whole body of {@code source}, once it has arrived; empty for none. */
    static CompletableFuture<byte[]> read(Content.Source source, int max) {
        BodyReader reader = new BodyReader(source, max);
        reader.run();
        return reader.body;
    }

    /** Reads what has arrived; asks to be run again when more does. */
    @Override
    public void run() {
        while (!body.isDone()) {
            Content.Chunk chunk = source.read();
            if (chunk == null) {
                source.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                body.completeExceptionally(chunk.getFailure());
                return;
            }
            ByteBuffer data = chunk.getByteBuffer();
            if (bytes.size() + data.remaining() > max) {
                chunk.release();
                body.completeExceptionally(new TooLarge(tooLarge(-1, max)));
                return;
            }
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            bytes.write(copy, 0, copy.length);
            chunk.release();
            if (chunk.isLast()) {
                body.complete(bytes.toByteArray());
            }
        }
    }

    /** Firecracker's words for a body over the limit; {@code size} -1 when the client did not say. */
    static String tooLarge(long size, int max) {
        return "Request payload " + (size < 0 ? "" : "with size " + size + " ") + "is larger than the limit of "
                + max + " allowed by server.";
    }
}
