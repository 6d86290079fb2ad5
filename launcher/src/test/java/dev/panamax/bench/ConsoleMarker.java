package dev.panamax.bench;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * A guest console that notes when init's marker line appears ({@link System#nanoTime()}) and
 * keeps the last bytes printed, for a benchmark's error message. Written by one thread at a time
 * (the VM's UART or the pump of a QEMU process's stdout).
 */
final class ConsoleMarker extends OutputStream {
    static final String MARKER = "PANAMAX-INIT-OK";
    private static final byte[] WANTED = MARKER.getBytes(StandardCharsets.US_ASCII);

    private final CompletableFuture<Long> seen = new CompletableFuture<>();
    /** The last WANTED.length bytes, oldest first. */
    private final byte[] window = new byte[WANTED.length];
    private final byte[] tail = new byte[512];
    private long written;

    @Override
    public synchronized void write(int b) {
        System.arraycopy(window, 1, window, 0, window.length - 1);
        window[window.length - 1] = (byte) b;
        tail[(int) (written++ % tail.length)] = (byte) b;
        if (!seen.isDone() && Arrays.equals(window, WANTED)) {
            seen.complete(System.nanoTime());
        }
    }

    /** Completes with the nanoTime at which the marker's last byte arrived. */
    CompletableFuture<Long> marker() {
        return seen;
    }

    /** The last line or so the guest printed, for an error message. */
    synchronized String lastOutput() {
        int n = (int) Math.min(written, tail.length);
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = tail[(int) ((written - n + i) % tail.length)];
        }
        String text = new String(out, StandardCharsets.ISO_8859_1).strip();
        int line = text.lastIndexOf('\n');
        return line < 0 ? text : text.substring(line + 1).strip();
    }
}
