package dev.panamax.launcher.api;

import dev.panamax.vmm.SnapshotType;
import dev.panamax.device.MetricsGroup;
import dev.panamax.vmm.VmState;
import dev.panamax.vmm.VmConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A VM that only remembers what the API asked of it: started configs, pauses, Ctrl+Alt+Dels. */
final class FakeVm implements VmStarter, VmLifecycle {
    final List<VmConfig> started = new CopyOnWriteArrayList<>();
    final AtomicInteger ctrlAltDels = new AtomicInteger();
    /** The cumulative read_count its one drive, rootfs, reports to the metrics. */
    final AtomicLong rootfsReads = new AtomicLong();
    /** Thrown by the next start instead of starting, when set. */
    volatile RuntimeException startRefusal;
    /** Thrown by pause and resume, when set, as {@link MicroVmLifecycle} does for now. */
    volatile RuntimeException pauseRefusal;
    private volatile VmState state = VmState.RUNNING;

    @Override
    public VmLifecycle start(VmConfig config) {
        RuntimeException refusal = startRefusal;
        if (refusal != null) {
            startRefusal = null;
            throw refusal;
        }
        started.add(config);
        return this;
    }

    @Override
    public void pause() {
        refuseIfAsked();
        state = VmState.PAUSED;
    }

    @Override
    public void resume() {
        refuseIfAsked();
        state = VmState.RUNNING;
    }

    private void refuseIfAsked() {
        if (pauseRefusal != null) {
            throw pauseRefusal;
        }
    }

    /** Drive ids and the images the API swapped in, in order. */
    final List<String> replacedImages = new CopyOnWriteArrayList<>();

    @Override
    public void replaceDriveImage(String driveId, Path image) {
        replacedImages.add(driveId + "=" + image);
    }

    @Override
    public List<MetricsGroup> metrics() {
        return List.of(new MetricsGroup("block", "block_rootfs", Map.of("read_count", rootfsReads.get())));
    }

    /** The snapshots asked for ("state,memory") and the loads. */
    final List<String> snapshots = new CopyOnWriteArrayList<>();
    final List<SnapshotLoad> loads = new CopyOnWriteArrayList<>();

    @Override
    public void snapshot(Path statePath, Path memoryPath, SnapshotType type) {
        if (state != VmState.PAUSED) {
            throw new VmActionException("snapshot/create: cannot snapshot: the VM is running; pause it first");
        }
        snapshots.add(type + ":" + statePath + "," + memoryPath);
    }

    @Override
    public VmLifecycle restore(SnapshotLoad load) {
        loads.add(load);
        state = load.resume() ? VmState.RUNNING : VmState.PAUSED;
        return this;
    }

    @Override
    public void sendCtrlAltDel() {
        ctrlAltDels.incrementAndGet();
    }

    @Override
    public VmState state() {
        return state;
    }
}
