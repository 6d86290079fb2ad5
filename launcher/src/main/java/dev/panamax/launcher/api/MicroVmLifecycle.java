package dev.panamax.launcher.api;

import dev.panamax.vmm.MicroVm;

import java.util.Objects;

/**
 * {@link VmLifecycle} over a running {@link MicroVm}. {@code MicroVm} cannot pause, resume or
 * send Ctrl+Alt+Del yet, so those are refused as not supported yet; when it can, each becomes a
 * call to it here and the API needs no other change.
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
        throw new VmActionException("vm.state: pausing a microVM is not supported yet");
    }

    @Override
    public void resume() {
        throw new VmActionException("vm.state: resuming a microVM is not supported yet");
    }

    @Override
    public void sendCtrlAltDel() {
        throw new VmActionException("SendCtrlAltDel: not supported yet");
    }

    @Override
    public VmState state() {
        return VmState.RUNNING;
    }
}
