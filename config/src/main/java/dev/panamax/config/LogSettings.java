package dev.panamax.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and what to log: Firecracker's {@code logger} section once checked.
 *
 * @param logPath    a file (appended to, created if missing) or a named pipe; empty for stderr
 * @param level      the least severe level written
 * @param showLevel  whether each line names its level
 * @param showOrigin whether each line names the source file and line that logged it
 * @param module     only loggers under this name (e.g. {@code dev.panamax.virtio}); empty for all
 */
public record LogSettings(Optional<Path> logPath, Level level, boolean showLevel, boolean showOrigin,
                          Optional<String> module) {
    public LogSettings {
        Objects.requireNonNull(logPath, "logPath");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(module, "module");
    }

    /** What the launcher logs before any {@code logger} section: Info and up, to stderr, with levels. */
    public static final LogSettings DEFAULT = new LogSettings(Optional.empty(), Level.INFO, true, false,
            Optional.empty());

    /** Firecracker's levels, most severe first. */
    public enum Level { OFF, ERROR, WARNING, INFO, DEBUG, TRACE }
}
