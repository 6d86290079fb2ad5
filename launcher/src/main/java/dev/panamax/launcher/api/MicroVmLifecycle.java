package dev.panamax.launcher.api;

import dev.panamax.vmm.SnapshotType;
import dev.panamax.device.MetricsGroup;
import dev.panamax.vmm.VmState;
import dev.panamax.vmm.MicroVm;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * {@link VmLifecycle} over a started {@link MicroVm}: each call is the MicroVm's own, and a
 * refusal of it (the VM has stopped) is the client's 400.
 */
public final class MicroVmLifecycle implements VmLifecycle {
    private final MicroVm vm;

    public MicroVmLifecycle(MicroVm vm) {
        this.vm = Objects.requireNonNull(vm, "vm");
    }

    /** The VM this drives. */
    public MicroVm vm() {
        return vm;
    }

    @Override
    public void pause() {
        try {
            vm.pause();
        } catch (IllegalStateException e) {
            throw new VmActionException("vm.state: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VmActionException("vm.state: interrupted while pausing; the microVM keeps running");
        }
    }

    @Override
    public void resume() {
        refusedAs("vm.state", vm::resume);
    }

    @Override
    public void sendCtrlAltDel() {
        refusedAs("SendCtrlAltDel", vm::sendCtrlAltDel);
    }

    /** Runs {@code action}; the VM's refusal (it has stopped) becomes the client's 400, under {@code key}. */
    private static void refusedAs(String key, Runnable action) {
        try {
            action.run();
        } catch (IllegalStateException e) {
            throw new VmActionException(key + ": " + e.getMessage());
        }
    }

    @Override
    public void replaceDriveImage(String driveId, Path image) {
        refusedAs("drives." + driveId, () -> vm.replaceDriveImage(driveId, image));
    }

    @Override
    public void snapshot(Path statePath, Path memoryPath, SnapshotType type) {
        try {
            vm.snapshot(statePath, memoryPath, type);
        } catch (IllegalStateException e) {
            throw new VmActionException("snapshot/create: " + e.getMessage());
        } catch (java.io.IOException e) {
            throw new VmActionException("snapshot/create: cannot write " + statePath + " and " + memoryPath + ": " + e);
        }
    }

    @Override
    public VmState state() {
        return vm.state();
    }

    @Override
    public List<MetricsGroup> metrics() {
        return vm.metrics();
    }
}
