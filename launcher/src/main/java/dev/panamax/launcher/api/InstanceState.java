package dev.panamax.launcher.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The instance states {@code GET /} reports, spelled as Firecracker's {@code InstanceInfo.state}. */
public enum InstanceState {
    @JsonProperty("Not started") NOT_STARTED,
    @JsonProperty("Running") RUNNING,
    @JsonProperty("Paused") PAUSED;

    /**
     * How a started VM's state reads in {@code GET /}. A stopped VM reads as running: the
     * launcher ends as soon as its VM stops, as Firecracker does, so no client sees it stopped.
     */
    static InstanceState of(dev.panamax.vmm.VmState state) {
        return state == dev.panamax.vmm.VmState.PAUSED ? PAUSED : RUNNING;
    }
}
