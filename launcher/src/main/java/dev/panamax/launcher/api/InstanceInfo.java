package dev.panamax.launcher.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The answer to {@code GET /}: Firecracker's {@code InstanceInfo}, keys in its order. */
record InstanceInfo(@JsonProperty("id") String id, @JsonProperty("state") InstanceState state,
                    @JsonProperty("vmm_version") String vmmVersion, @JsonProperty("app_name") String appName) {
    static final String APP_NAME = "Panamax";
}
