package dev.panamax.junit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a command run by {@link Guest#exec} did: its exit status (the exit code, or 128 + the
 * signal that ended it; 127 when the program was not found) and what it wrote to stdout and
 * stderr, kept apart.
 */
public record ExecResult(int exitCode, byte[] stdoutBytes, byte[] stderrBytes) {
    public ExecResult {
        Objects.requireNonNull(stdoutBytes, "stdoutBytes");
        Objects.requireNonNull(stderrBytes, "stderrBytes");
    }

    /** stdout as UTF-8. */
    public String stdout() {
        return new String(stdoutBytes, StandardCharsets.UTF_8);
    }

    /** stderr as UTF-8. */
    public String stderr() {
        return new String(stderrBytes, StandardCharsets.UTF_8);
    }

    /** The exit code was 0. */
    public boolean succeeded() {
        return exitCode == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExecResult r && exitCode == r.exitCode && Arrays.equals(stdoutBytes, r.stdoutBytes)
                && Arrays.equals(stderrBytes, r.stderrBytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(exitCode, Arrays.hashCode(stdoutBytes), Arrays.hashCode(stderrBytes));
    }

    @Override
    public String toString() {
        return "ExecResult[exit " + exitCode + ", stdout=" + stdout() + ", stderr=" + stderr() + "]";
    }
}
