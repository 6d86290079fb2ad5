package dev.panamax.vmm;

import java.util.List;
import java.util.Optional;

/**
 * Whether a config may restore a snapshot made from another: the guest must find the same
 * machine and the same devices, in the same order and modes. What may differ is what the guest
 * cannot see: drive images' paths, TAP names, the vsock socket's path, the VM's name and the
 * boot source (a restore boots nothing).
 */
final class SnapshotCompatibility {
    private SnapshotCompatibility() {}

    /** @throws IllegalArgumentException one line naming the first thing that differs */
    static void require(VmConfig saved, VmConfig given) {
        // tracking is the restore's choice, not the guest's: it is not part of the snapshot
        same("machine-config", saved.machine().withTrackDirtyPages(false), given.machine().withTrackDirtyPages(false));
        List<VmConfig.Drive> a = saved.drives();
        List<VmConfig.Drive> b = given.drives();
        same("the number of drives", a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            VmConfig.Drive x = a.get(i);
            VmConfig.Drive y = b.get(i);
            same("drive " + i + "'s drive_id", x.driveId(), y.driveId());
            same("drive " + x.driveId() + "'s is_root_device", x.isRootDevice(), y.isRootDevice());
            same("drive " + x.driveId() + "'s is_read_only", x.isReadOnly(), y.isReadOnly());
            same("drive " + x.driveId() + "'s cache_type", x.cacheType(), y.cacheType());
        }
        same("entropy", saved.entropy().isPresent(), given.entropy().isPresent());
        List<VmConfig.NetworkInterface> n = saved.networkInterfaces();
        List<VmConfig.NetworkInterface> m = given.networkInterfaces();
        same("the number of network interfaces", n.size(), m.size());
        for (int i = 0; i < n.size(); i++) {
            same("network interface " + i + "'s iface_id", n.get(i).ifaceId(), m.get(i).ifaceId());
            same("network interface " + n.get(i).ifaceId() + "'s guest_mac", n.get(i).guestMac(), m.get(i).guestMac());
        }
        same("vsock", saved.vsock().isPresent(), given.vsock().isPresent());
        if (saved.vsock().isPresent()) {
            same("vsock guest_cid", saved.vsock().get().guestCid(), given.vsock().get().guestCid());
        }
        same("the boot timer", saved.bootTimer(), given.bootTimer());
    }

    private static void same(String what, Object saved, Object given) {
        if (!saved.equals(given)) {
            throw new IllegalArgumentException("cannot restore: " + what + " is " + describe(given)
                    + ", the snapshot's is " + describe(saved));
        }
    }

    private static String describe(Object o) {
        return o instanceof Optional<?> opt ? opt.map(Object::toString).orElse("absent") : o.toString();
    }
}
