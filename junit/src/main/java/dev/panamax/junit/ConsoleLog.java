package dev.panamax.junit;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A guest's serial console as the host keeps it: every byte (for pattern waits), split into
 * lines (without CR/LF) handed to the consumers as they complete. Written by the vCPU thread
 * that emulates the UART; the consumers run on a thread of their own (started with the first
 * consumer), so a slow one delays only its own lines, never the guest.
 */
final class ConsoleLog extends OutputStream {
    /** How often a wait looks at its abort condition: a stopped VM is noticed within this. */
    private static final long ABORT_POLL_MS = 50;

    private final StringBuilder text = new StringBuilder();
    private final List<String> lines = new ArrayList<>();
    private final StringBuilder line = new StringBuilder();
    private final List<Consumer<String>> consumers = new CopyOnWriteArrayList<>();
    /** Lines for the consumers, in order; {@link #END} closes it. */
    private final java.util.concurrent.BlockingQueue<String> forConsumers = new java.util.concurrent.LinkedBlockingQueue<>();
    private static final String END = new String("end of console"); // compared by identity
    private final String consumerThreadName;
    private Thread consumerThread;

    ConsoleLog(String consumerThreadName) {
        this.consumerThreadName = consumerThreadName;
    }

    synchronized void addConsumer(Consumer<String> c) {
        consumers.add(c);
        if (consumerThread == null) {
            consumerThread = Thread.ofPlatform().name(consumerThreadName).daemon().start(this::deliver);
        }
    }

    private void deliver() {
        try {
            for (String l = forConsumers.take(); l != END; l = forConsumers.take()) {
                for (Consumer<String> consumer : consumers) {
                    consumer.accept(l);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The console is over: the consumers get the lines still queued, then their thread ends; waits for that. */
    void finish() throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = consumerThread;
        }
        if (t != null) {
            forConsumers.add(END);
            t.join();
        }
    }

    @Override
    public void write(int b) {
        String done = null;
        synchronized (this) {
            char c = (char) (b & 0xff); // the test guest's console is ASCII; Latin-1 keeps every byte
            text.append(c);
            if (c == '\n') {
                done = line.toString();
                lines.add(done);
                line.setLength(0);
            } else if (c != '\r') {
                line.append(c);
            }
            notifyAll();
        }
        if (done != null && !consumers.isEmpty()) {
            forConsumers.add(done);
        }
    }

    /** Every complete line so far. */
    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Everything printed so far. */
    synchronized String text() {
        return text.toString();
    }

    /** The last {@code n} lines, and the unfinished one if any, joined by newlines. */
    synchronized String tail(int n) {
        List<String> last = new ArrayList<>(lines.subList(Math.max(0, lines.size() - n), lines.size()));
        if (!line.isEmpty()) {
            last.add(line.toString());
        }
        return last.isEmpty() ? "(the guest printed nothing)" : String.join("\n", last);
    }

    /**
     * Waits until {@code pattern} is found in everything printed so far, the timeout passes
     * (null), or {@code abort} says to stop waiting (null).
     */
    synchronized MatchResult await(Pattern pattern, Duration timeout, BooleanSupplier abort)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            // everything, every time: patterns may span lines, and test consoles are small
            Matcher m = pattern.matcher(text);
            if (m.find()) {
                return m.toMatchResult();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || abort.getAsBoolean()) {
                return null;
            }
            wait(Math.min(ABORT_POLL_MS, Math.max(1, left / 1_000_000)));
        }
    }

    byte[] bytes() {
        return text().getBytes(StandardCharsets.ISO_8859_1);
    }
}
