package dev.panamax.launcher.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Every error answer's body: Firecracker's {@code Error}, one line. */
record Fault(@JsonProperty("fault_message") String faultMessage) {}
