package dev.panamax.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The host kernel's view of a VMM's start, as scripts/bench/boot-time.sh takes it: a
 * {@code trace_marker} line just before the VMM starts, and the first {@code kvm:kvm_entry} after
 * it, the moment a vCPU first entered the guest. Both times come from the trace, so they share
 * one clock. Needs a writable tracefs (root, as in the nested host); {@link #open()} is empty
 * where there is none. The ring buffer does not overwrite: it keeps a boot's first events and
 * drops the rest, and each {@link #arm} clears it, so one boot is traced at a time.
 */
final class HostTrace {
    private static final Path ROOT = Path.of("/sys/kernel/tracing");
    private static final String MARK = "pmx-bench-start";

    private HostTrace() {
    }

    static Optional<HostTrace> open() {
        if (!Files.isWritable(ROOT.resolve("trace_marker")) || !Files.isDirectory(ROOT.resolve("events/kvm/kvm_entry"))) {
            return Optional.empty();
        }
        HostTrace trace = new HostTrace();
        trace.write("tracing_on", "0");
        trace.write("options/overwrite", "0");
        trace.write("buffer_size_kb", "512");
        trace.write("events/kvm/kvm_entry/enable", "1");
        return Optional.of(trace);
    }

    /** Clears the trace and writes the start mark; call it right before the VMM starts. */
    void arm() {
        write("tracing_on", "0");
        write("trace", "");
        write("tracing_on", "1");
        write("trace_marker", MARK);
    }

    /** Seconds from the last {@link #arm} to the first guest entry after it, if the trace holds one. */
    OptionalDouble firstEntrySeconds() {
        write("tracing_on", "0");
        List<String> lines;
        try {
            lines = Files.readAllLines(ROOT.resolve("trace"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return firstEntryAfterMark(lines);
    }

    /** In a trace's text: seconds from the start mark to the first kvm_entry after it. */
    static OptionalDouble firstEntryAfterMark(List<String> lines) {
        double mark = -1;
        for (String line : lines) {
            if (mark < 0 && line.contains(MARK)) {
                mark = timestamp(line);
            } else if (mark >= 0 && line.contains("kvm_entry:")) {
                return OptionalDouble.of(timestamp(line) - mark);
            }
        }
        return OptionalDouble.empty();
    }

    /** Leaves tracefs as it was found (on a host with hardware KVM it is the host's). */
    void close() {
        write("tracing_on", "0");
        write("events/kvm/kvm_entry/enable", "0");
        write("options/overwrite", "1");
        write("trace", "");
    }

    /** The "12345.678901:" field of a trace line. */
    private static double timestamp(String line) {
        for (String field : line.trim().split("\\s+")) {
            if (field.matches("\\d+\\.\\d+:")) {
                return Double.parseDouble(field.substring(0, field.length() - 1));
            }
        }
        throw new IllegalStateException("no timestamp in trace line: " + line);
    }

    private void write(String file, String value) {
        try {
            Files.writeString(ROOT.resolve(file), value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + ROOT.resolve(file), e);
        }
    }
}
