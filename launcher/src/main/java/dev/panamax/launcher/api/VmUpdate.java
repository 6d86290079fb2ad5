package dev.panamax.launcher.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;

/** The body of {@code PATCH /vm}: Firecracker's {@code Vm}, the state asked for. */
record VmUpdate(@JsonProperty("state") @JsonSetter(nulls = Nulls.FAIL) Requested state) {
    enum Requested {
        @JsonProperty("Paused") PAUSED,
        @JsonProperty("Resumed") RESUMED
    }
}
