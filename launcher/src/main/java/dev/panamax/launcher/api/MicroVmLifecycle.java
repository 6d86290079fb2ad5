package dev.panamax.launcher.api;

import dev.panamax.vmm.VmState;
import dev.panamax.vmm.MicroVm;

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
        try {
            vm.resume();
        } catch (IllegalStateException e) {
            throw new VmActionException("vm.state: " + e.getMessage());
        }
    }

    @Override
    public void sendCtrlAltDel() {
        try {
            vm.sendCtrlAltDel();
        } catch (IllegalStateException e) {
            throw new VmActionException("SendCtrlAltDel: " + e.getMessage());
        }
    }

    @Override
    public VmState state() {
        return vm.state();
    }
}
