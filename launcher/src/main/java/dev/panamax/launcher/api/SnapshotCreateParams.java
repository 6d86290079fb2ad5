package dev.panamax.launcher.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;

/**
 * The body of {@code PUT /snapshot/create}: Firecracker's {@code SnapshotCreateParams}. Paths are
 * the state file and the memory file to write; {@code snapshot_type} is Full unless given.
 */
record SnapshotCreateParams(
        @JsonProperty("snapshot_type") Type snapshotType,
        @JsonProperty("snapshot_path") @JsonSetter(nulls = Nulls.FAIL) String snapshotPath,
        @JsonProperty("mem_file_path") @JsonSetter(nulls = Nulls.FAIL) String memFilePath) {
    enum Type {
        @JsonProperty("Full") FULL,
        @JsonProperty("Diff") DIFF
    }
}
