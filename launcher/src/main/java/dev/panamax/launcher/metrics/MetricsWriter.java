package dev.panamax.launcher.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.panamax.device.MetricsGroup;
import dev.panamax.launcher.logging.LogOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Writes the metrics file: a line every {@link #PERIOD} on its own daemon thread, one on
 * {@link #flush()}, and a last one at {@link #close()}. Counters come cumulative from
 * {@code counters} and are written as the change since the previous line; {@code values} are
 * written as they are.
 */
public final class MetricsWriter implements AutoCloseable {
    /** Firecracker's flush period. */
    public static final Duration PERIOD = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(MetricsWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OutputStream out;
    private final Supplier<List<MetricsGroup>> counters;
    private final Supplier<List<MetricsGroup>> values;
    private final Clock clock;
    /** Group and field to the cumulative count the previous line was computed from. */
    private final Map<String, Map<String, Long>> previous = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("metrics").daemon().unstarted(r));
    private boolean closed;

    MetricsWriter(OutputStream out, Supplier<List<MetricsGroup>> counters,
            Supplier<List<MetricsGroup>> values, Clock clock) {
        this.out = out;
        this.counters = counters;
        this.values = values;
        this.clock = clock;
    }

    /**
     * Opens {@code path} (a file, appended to and created if missing, or a named pipe, opened
     * for reading and writing so that no reader needs to be there yet, as Firecracker opens it)
     * and starts the periodic flush.
     */
    public static MetricsWriter open(Path path, Supplier<List<MetricsGroup>> counters,
            Supplier<List<MetricsGroup>> values) throws IOException {
        MetricsWriter writer = new MetricsWriter(LogOutput.openForAppending(path), counters, values, Clock.systemUTC());
        long period = PERIOD.toMillis();
        writer.timer.scheduleAtFixedRate(writer::flushQuietly, period, period, TimeUnit.MILLISECONDS);
        return writer;
    }

    /** Writes a line now ({@code FlushMetrics}). */
    public synchronized void flush() throws IOException {
        if (closed) {
            return;
        }
        out.write(line(clock.millis(), counters.get(), values.get()).getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (IOException | RuntimeException e) {
            LOG.warn("metrics flush failed: {}", e.toString());
        }
    }

    /**
     * One line: {@code utc_timestamp_ms}, then each counter group as the change since the last
     * line (a group named apart from its aggregate, like {@code block_rootfs}, is written on its
     * own and added into its aggregate, {@code block}), then the value groups.
     */
    synchronized String line(long utcMillis, List<MetricsGroup> countersNow, List<MetricsGroup> valuesNow) {
        Map<String, Map<String, Long>> cumulative = new LinkedHashMap<>();
        for (MetricsGroup g : countersNow) {
            Map<String, Long> aggregate = cumulative.computeIfAbsent(g.aggregate(), k -> new LinkedHashMap<>());
            g.counters().forEach((field, count) -> aggregate.merge(field, count, Long::sum));
            if (!g.name().equals(g.aggregate())) {
                cumulative.computeIfAbsent(g.name(), k -> new LinkedHashMap<>()).putAll(g.counters());
            }
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("utc_timestamp_ms", utcMillis);
        cumulative.forEach((group, fields) -> {
            Map<String, Long> before = previous.getOrDefault(group, Map.of());
            Map<String, Long> delta = new LinkedHashMap<>();
            fields.forEach((field, count) -> delta.put(field, count - before.getOrDefault(field, 0L)));
            line.put(group, delta);
        });
        previous.clear();
        previous.putAll(cumulative);
        for (MetricsGroup g : valuesNow) {
            line.put(g.name(), g.counters());
        }
        try {
            return JSON.writeValueAsString(line) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // maps of strings and longs always serialise
        }
    }

    /** Writes a last line, stops the periodic flush and closes the file. */
    @Override
    public void close() throws IOException {
        timer.shutdownNow();
        try {
            flush();
        } finally {
            synchronized (this) {
                closed = true;
                out.close();
            }
        }
    }
}
