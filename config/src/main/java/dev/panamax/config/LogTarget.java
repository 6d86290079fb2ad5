package dev.panamax.config;

import java.io.IOException;

/**
 * Where checked {@code logger} settings go: the launcher points its log there at once, as
 * Firecracker does for {@code PUT /logger}. The config model knows no logging backend.
 */
@FunctionalInterface
public interface LogTarget {
    /** Points the log at {@code settings}; an {@link IOException} means the log file cannot be opened. */
    void configure(LogSettings settings) throws IOException;
}
