package dev.panamax.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Firecracker's {@code logger} section, as given: also the body of {@code PUT /logger}. Without
 * {@code log_path} the log stays on stderr. {@code module} names an SLF4J logger (a Java package
 * such as {@code dev.panamax.virtio}) whose lines alone are kept, where Firecracker names a Rust
 * module path.
 */
record LoggerConfig(
        @JsonProperty(LOG_PATH) String logPath,
        @JsonProperty("level") Level level,
        @JsonProperty("show_level") Boolean showLevel,
        @JsonProperty("show_log_origin") Boolean showLogOrigin,
        @JsonProperty(MODULE) String module) {
    static final String KEY = "logger";
    private static final String LOG_PATH = "log_path";
    private static final String MODULE = "module";

    /** Firecracker's level names. */
    enum Level {
        @JsonProperty("Error") ERROR(LogSettings.Level.ERROR),
        @JsonProperty("Warning") WARNING(LogSettings.Level.WARNING),
        @JsonProperty("Info") INFO(LogSettings.Level.INFO),
        @JsonProperty("Debug") DEBUG(LogSettings.Level.DEBUG),
        @JsonProperty("Trace") TRACE(LogSettings.Level.TRACE),
        @JsonProperty("Off") OFF(LogSettings.Level.OFF);

        private final LogSettings.Level settings;

        Level(LogSettings.Level settings) {
            this.settings = settings;
        }
    }

    /**
     * The settings, checked: the log file's directory must exist and the path must not be a
     * directory. Firecracker's defaults: Info, no level, no origin.
     */
    LogSettings toSettings(Path workingDir) {
        Optional<Path> path = Optional.ofNullable(logPath)
                .map(given -> HostFile.writable(KeyPath.key(KEY, LOG_PATH), given, workingDir));
        if (module != null && module.isBlank()) {
            throw ConfigException.at(KeyPath.key(KEY, MODULE), "empty module name");
        }
        return new LogSettings(path, level == null ? LogSettings.Level.INFO : level.settings,
                Boolean.TRUE.equals(showLevel), Boolean.TRUE.equals(showLogOrigin), Optional.ofNullable(module));
    }

    /** Checks the settings and points the log there; a file that cannot be opened names the key. */
    void apply(Path workingDir, LogTarget target) {
        LogSettings settings = toSettings(workingDir);
        try {
            target.configure(settings);
        } catch (IOException e) {
            throw ConfigException.at(KeyPath.key(KEY, LOG_PATH), settings.logPath().orElseThrow()
                    + ": cannot open: " + e.getMessage());
        }
    }
}
