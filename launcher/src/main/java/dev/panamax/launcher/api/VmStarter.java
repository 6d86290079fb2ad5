package dev.panamax.launcher.api;

import dev.panamax.vmm.VmConfig;

/**
 * Boots a VM for {@code InstanceStart}: the launcher's own boot path (console on stdout, the KVM
 * device it was given), so that a VM started through the API is started exactly as one from
 * {@code --config-file}; the tests give a fake. Refusals propagate as they are (a
 * {@link dev.panamax.vmm.boot.BootException}, a {@link dev.panamax.kvm.KvmUnavailableException},
 * ...) and are answered with their message.
 */
@FunctionalInterface
public interface VmStarter {
    /** Starts the VM and returns it running. */
    VmLifecycle start(VmConfig config);

    /**
     * Restores a snapshot ({@code PUT /snapshot/load}): running when {@code load.resume()}, else
     * paused. A file that cannot be restored is refused with one line naming it and what is wrong.
     * A starter that only boots (a test's) refuses.
     */
    default VmLifecycle restore(SnapshotLoad load) {
        throw new VmActionException("snapshot/load: this VMM can only boot");
    }
}
