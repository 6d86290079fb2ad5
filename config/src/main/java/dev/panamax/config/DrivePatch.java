package dev.panamax.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The body of {@code PATCH /drives/{id}} on a running VM, Firecracker's {@code PartialDrive}:
 * a new {@code path_on_host} for the drive (and a rate limiter, which Panamax refuses).
 */
record DrivePatch(
        @JsonProperty(DriveConfig.DRIVE_ID) @JsonSetter(nulls = Nulls.FAIL) String driveId,
        @JsonProperty("path_on_host") String pathOnHost,
        @JsonProperty(DriveConfig.RATE_LIMITER) JsonNode rateLimiter) {
}
