package dev.panamax.launcher.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;

import java.util.List;

/**
 * The body of {@code PUT /snapshot/load}: Firecracker's {@code SnapshotLoadParams}. The memory
 * comes from {@code mem_backend} (or the older {@code mem_file_path}, not both);
 * {@code network_overrides} and {@code vsock_override} point the restored devices at other
 * host TAPs and another socket.
 */
record SnapshotLoadParams(
        @JsonProperty("snapshot_path") @JsonSetter(nulls = Nulls.FAIL) String snapshotPath,
        @JsonProperty("mem_backend") MemBackend memBackend,
        @JsonProperty("mem_file_path") String memFilePath,
        @JsonProperty("enable_diff_snapshots") Boolean enableDiffSnapshots,
        @JsonProperty("track_dirty_pages") Boolean trackDirtyPages,
        @JsonProperty("resume_vm") Boolean resumeVm,
        @JsonProperty("network_overrides") List<NetworkOverride> networkOverrides,
        @JsonProperty("vsock_override") VsockOverride vsockOverride) {

    /** Where guest memory comes from: a file ("File"); Firecracker's "Uffd" is not supported. */
    record MemBackend(
            @JsonProperty("backend_type") @JsonSetter(nulls = Nulls.FAIL) BackendType backendType,
            @JsonProperty("backend_path") @JsonSetter(nulls = Nulls.FAIL) String backendPath) {}

    enum BackendType {
        @JsonProperty("File") FILE,
        @JsonProperty("Uffd") UFFD
    }

    record NetworkOverride(
            @JsonProperty("iface_id") @JsonSetter(nulls = Nulls.FAIL) String ifaceId,
            @JsonProperty("host_dev_name") @JsonSetter(nulls = Nulls.FAIL) String hostDevName) {}

    record VsockOverride(@JsonProperty("uds_path") @JsonSetter(nulls = Nulls.FAIL) String udsPath) {}
}
