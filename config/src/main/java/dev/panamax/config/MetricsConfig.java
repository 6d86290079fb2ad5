package dev.panamax.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;

import java.nio.file.Path;

/** Firecracker's {@code metrics} section, as given: also the body of {@code PUT /metrics}. */
record MetricsConfig(@JsonProperty(METRICS_PATH) @JsonSetter(nulls = Nulls.FAIL) String metricsPath) {
    static final String KEY = "metrics";
    private static final String METRICS_PATH = "metrics_path";

    /** The file (or named pipe) to write to; its directory must exist. */
    Path toPath(Path workingDir) {
        String key = KeyPath.key(KEY, METRICS_PATH);
        if (metricsPath == null) {
            throw ConfigException.at(key, "missing required key");
        }
        return HostFile.writable(key, metricsPath, workingDir);
    }
}
