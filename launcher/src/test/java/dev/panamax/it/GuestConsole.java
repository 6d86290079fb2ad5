package dev.panamax.it;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The test's end of a guest serial console: collects everything the guest prints, waits for
 * patterns in it, and types lines into it.
 */
final class GuestConsole extends OutputStream {
    private final StringBuilder text = new StringBuilder();
    private final PipedOutputStream keyboard = new PipedOutputStream();
    private final PipedInputStream input;

    GuestConsole() {
        try {
            input = new PipedInputStream(keyboard, 4096);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the VM reads as typed input. */
    PipedInputStream input() {
        return input;
    }

    @Override
    public synchronized void write(int b) {
        text.append((char) (b & 0xff));
        System.out.write(b);
        notifyAll();
    }

    @Override
    public void flush() {
        System.out.flush();
    }

    /** How many bytes the guest printed so far. */
    synchronized int length() {
        return text.length();
    }

    /** Everything printed so far. */
    synchronized String text() {
        return text.toString();
    }

    /** Waits until {@code regex} matches what was printed after {@code from}; returns the match. */
    synchronized Matcher await(String regex, int from, Duration timeout) throws InterruptedException {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Matcher m = p.matcher(text);
            if (m.find(from)) {
                return m;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("guest console never showed /" + regex + "/ within " + timeout
                        + "; it printed:\n" + text);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Types {@code line} and Enter. */
    void type(String line) throws IOException {
        keyboard.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        keyboard.flush();
    }
}
