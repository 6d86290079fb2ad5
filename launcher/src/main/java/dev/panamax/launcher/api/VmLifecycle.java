package dev.panamax.launcher.api;

import dev.panamax.vmm.SnapshotType;
import dev.panamax.device.MetricsGroup;
import dev.panamax.vmm.VmState;

import java.nio.file.Path;
import java.util.List;
/**
 * A started microVM as the API drives it ({@code PATCH /vm}, {@code SendCtrlAltDel},
 * {@code GET /}). An interface so that the tests drive a fake without KVM;
 * {@link MicroVmLifecycle} is the real one. Calls come one at a time ({@link VmController} serialises them).
 * A refusal is a {@link VmActionException}, whose message the client gets as its
 * {@code fault_message}.
 */
public interface VmLifecycle {
    /** Stops the vCPUs until {@link #resume()}; devices keep their state. */
    void pause();

    /** Runs the vCPUs again after {@link #pause()}. */
    void resume();

    /** Presses Ctrl+Alt+Del on the guest's keyboard (a Linux guest reboots, which ends the VM). */
    void sendCtrlAltDel();

    /** {@link VmState#RUNNING} or {@link VmState#PAUSED}. */
    VmState state();

    /** Serves drive {@code driveId} from {@code image} from now on ({@link dev.panamax.vmm.MicroVm#replaceDriveImage}). */
    void replaceDriveImage(String driveId, Path image);

    /**
     * Writes a snapshot of the paused VM ({@code PUT /snapshot/create}): the state file and the
     * memory file, all of RAM or a diff ({@link dev.panamax.vmm.MicroVm#snapshot(Path, Path, SnapshotType)}).
     */
    void snapshot(Path statePath, Path memoryPath, SnapshotType type);

    /** The VM's metrics groups, cumulative ({@link dev.panamax.vmm.MicroVm#metrics()}). */
    List<MetricsGroup> metrics();
}
