package dev.panamax.vmm;

/**
 * Where a started {@link MicroVm} is in its life. {@code RUNNING} and {@code PAUSED} are
 * Firecracker's instance states "Running" and "Paused"; its "Not started" belongs to the API
 * layer, since a MicroVm exists only once started. {@code STOPPED}: the guest reset or powered
 * off, a vCPU failed, or the host stopped it; it cannot run again.
 */
public enum VmState {
    RUNNING,
    PAUSED,
    STOPPED
}
