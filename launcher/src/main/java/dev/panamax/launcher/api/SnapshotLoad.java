package dev.panamax.launcher.api;

import dev.panamax.vmm.VmConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A checked {@code PUT /snapshot/load} (or {@code --snapshot-load}): the two files, whether the
 * guest runs at once, the host-side overrides ({@code network_overrides}: iface_id to TAP
 * name; {@code vsock_override}: the socket path), and whether the restored VM tracks dirty
 * pages ({@code track_dirty_pages}, for Diff snapshots of it).
 */
public record SnapshotLoad(Path statePath, Path memoryPath, boolean resume, Map<String, String> networkOverrides,
        Optional<Path> vsockUdsPath, boolean trackDirtyPages) {
    public SnapshotLoad {
        Objects.requireNonNull(statePath, "statePath");
        Objects.requireNonNull(memoryPath, "memoryPath");
        networkOverrides = Map.copyOf(networkOverrides);
        Objects.requireNonNull(vsockUdsPath, "vsockUdsPath");
    }

    /** A load without dirty-page tracking. */
    public SnapshotLoad(Path statePath, Path memoryPath, boolean resume, Map<String, String> networkOverrides,
            Optional<Path> vsockUdsPath) {
        this(statePath, memoryPath, resume, networkOverrides, vsockUdsPath, false);
    }

    /** The snapshot's config with the overrides applied; an override naming nothing in it is refused. */
    public VmConfig applyTo(VmConfig saved) {
        Map<String, String> left = new HashMap<>(networkOverrides);
        List<VmConfig.NetworkInterface> nets = new ArrayList<>();
        for (VmConfig.NetworkInterface n : saved.networkInterfaces()) {
            String tap = left.remove(n.ifaceId());
            nets.add(tap == null ? n : new VmConfig.NetworkInterface(n.ifaceId(), tap, n.guestMac()));
        }
        if (!left.isEmpty()) {
            throw new VmActionException("network_overrides: the snapshot has no network interface "
                    + left.keySet().stream().sorted().toList());
        }
        if (vsockUdsPath.isPresent() && saved.vsock().isEmpty()) {
            throw new VmActionException("vsock_override: the snapshot has no vsock device");
        }
        Optional<VmConfig.Vsock> vsock = saved.vsock().map(v -> new VmConfig.Vsock(v.guestCid(),
                vsockUdsPath.orElse(v.udsPath())));
        return new VmConfig(saved.boot(), saved.machine().withTrackDirtyPages(trackDirtyPages), saved.drives(), saved.entropy(), nets, vsock,
                saved.bootTimer(), saved.name());
    }

    /**
     * Checks a request body: one memory source, a File backend. {@code enable_diff_snapshots}
     * (Firecracker's older name) means {@code track_dirty_pages}.
     */
    static SnapshotLoad of(SnapshotLoadParams p, Path workingDir) {
        if ((p.memBackend() == null) == (p.memFilePath() == null)) {
            throw new VmActionException("snapshot/load: give exactly one of mem_backend and mem_file_path");
        }
        if (p.memBackend() != null && p.memBackend().backendType() == SnapshotLoadParams.BackendType.UFFD) {
            throw new VmActionException("mem_backend.backend_type: Uffd is not supported (use File)");
        }
        String memory = p.memBackend() != null ? p.memBackend().backendPath() : p.memFilePath();
        Map<String, String> nets = new HashMap<>();
        for (SnapshotLoadParams.NetworkOverride o : p.networkOverrides() == null
                ? List.<SnapshotLoadParams.NetworkOverride>of() : p.networkOverrides()) {
            if (nets.put(o.ifaceId(), o.hostDevName()) != null) {
                throw new VmActionException("network_overrides: iface_id \"" + o.ifaceId() + "\" is given twice");
            }
        }
        return new SnapshotLoad(workingDir.resolve(p.snapshotPath()), workingDir.resolve(memory),
                Boolean.TRUE.equals(p.resumeVm()), nets,
                Optional.ofNullable(p.vsockOverride()).map(v -> workingDir.resolve(v.udsPath())),
                Boolean.TRUE.equals(p.trackDirtyPages()) || Boolean.TRUE.equals(p.enableDiffSnapshots()));
    }
}
