package dev.panamax.launcher.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;

/** The body of {@code PUT /actions}: Firecracker's {@code InstanceActionInfo}. */
record InstanceActionInfo(@JsonProperty("action_type") @JsonSetter(nulls = Nulls.FAIL) ActionType actionType) {
    /** Firecracker's actions; the JSON spelling is the constant's. */
    enum ActionType {
        @JsonProperty("FlushMetrics") FLUSH_METRICS,
        @JsonProperty("InstanceStart") INSTANCE_START,
        @JsonProperty("SendCtrlAltDel") SEND_CTRL_ALT_DEL
    }
}
