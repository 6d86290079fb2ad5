package dev.panamax.launcher.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The instance states {@code GET /} reports, spelled as Firecracker's {@code InstanceInfo.state}. */
public enum VmState {
    @JsonProperty("Not started") NOT_STARTED,
    @JsonProperty("Running") RUNNING,
    @JsonProperty("Paused") PAUSED
}
