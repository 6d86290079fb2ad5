package dev.panamax.vmm;

import dev.panamax.vmm.boot.BootProtocol;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything needed to build a microVM: what to boot and the machine's shape. The launcher
 * builds one from a Firecracker-style JSON file or from flags; embedders build one directly.
 * Values are validated here, so every face of Panamax refuses the same bad input the same way.
 *
 * @param name      names the VM's threads ({@code NAME/vcpu-0}); empty: the roles alone
 * @param bootTimer Firecracker's {@code --boot-timer}: add the boot-timer device, which logs the
 *     guest's boot time when its init writes 123 to {@code 0xc0000000}
 */
public record VmConfig(BootSource boot, Machine machine, List<Drive> drives, Optional<Entropy> entropy,
        List<NetworkInterface> networkInterfaces, Optional<Vsock> vsock, boolean bootTimer, Optional<String> name) {
    public VmConfig {
        Objects.requireNonNull(name, "name");
        if (name.isPresent() && (name.get().isBlank() || name.get().length() > 64)) {
            throw new IllegalArgumentException("name \"" + name.get() + "\" must be 1 to 64 characters");
        }
        Objects.requireNonNull(boot, "boot");
        Objects.requireNonNull(machine, "machine");
        drives = List.copyOf(drives);
        Objects.requireNonNull(entropy, "entropy");
        networkInterfaces = List.copyOf(networkInterfaces);
        Objects.requireNonNull(vsock, "vsock");
        requireUnique(networkInterfaces, NetworkInterface::ifaceId, "iface_id");
        requireUnique(networkInterfaces, NetworkInterface::hostDevName, "host_dev_name");
        requireUnique(networkInterfaces.stream().flatMap(n -> n.guestMac().stream()).toList(),
                MacAddress::toString, "guest_mac");
        if (networkInterfaces.size() > MAX_NETWORK_INTERFACES) {
            throw new IllegalArgumentException("network-interfaces: " + networkInterfaces.size()
                    + " interfaces, at most " + MAX_NETWORK_INTERFACES);
        }
        Set<String> ids = new HashSet<>();
        long roots = 0;
        for (Drive d : drives) {
            if (!ids.add(d.driveId())) {
                throw new IllegalArgumentException("drives: drive_id \"" + d.driveId() + "\" is used twice");
            }
            roots += d.isRootDevice() ? 1 : 0;
        }
        if (roots > 1) {
            throw new IllegalArgumentException("drives: more than one drive has is_root_device true");
        }
        if (drives.size() > MAX_DRIVES) {
            throw new IllegalArgumentException("drives: " + drives.size() + " drives, at most " + MAX_DRIVES);
        }
    }

    /** virtio-mmio windows and interrupt lines are finite; this leaves room for net, vsock and rng. */
    public static final int MAX_DRIVES = 13;
    /** Interrupt lines 5 to 23: {@link #MAX_DRIVES} drives, this many nets, vsock and rng. */
    public static final int MAX_NETWORK_INTERFACES = 4;

    /** A VM without the boot timer. */
    public VmConfig(BootSource boot, Machine machine, List<Drive> drives, Optional<Entropy> entropy,
            List<NetworkInterface> networkInterfaces, Optional<Vsock> vsock) {
        this(boot, machine, drives, entropy, networkInterfaces, vsock, false, Optional.empty());
    }

    /** A VM with no devices beyond the console. */
    public VmConfig(BootSource boot, Machine machine) {
        this(boot, machine, List.of(), Optional.empty());
    }

    /** A VM with drives and perhaps an entropy device, but no network or vsock. */
    public VmConfig(BootSource boot, Machine machine, List<Drive> drives, Optional<Entropy> entropy) {
        this(boot, machine, drives, entropy, List.of(), Optional.empty());
    }

    /** This config with another boot source. */
    public VmConfig withBoot(BootSource newBoot) {
        return new VmConfig(newBoot, machine, drives, entropy, networkInterfaces, vsock, bootTimer, name);
    }

    /** This config with another machine. */
    public VmConfig withMachine(Machine newMachine) {
        return new VmConfig(boot, newMachine, drives, entropy, networkInterfaces, vsock, bootTimer, name);
    }

    /** This config with the boot-timer device added or removed. */
    public VmConfig withBootTimer(boolean enabled) {
        return new VmConfig(boot, machine, drives, entropy, networkInterfaces, vsock, enabled, name);
    }

    /** This config with a name: the VM's threads carry it, so that many VMs in one JVM can be told apart. */
    public VmConfig withName(String newName) {
        return new VmConfig(boot, machine, drives, entropy, networkInterfaces, vsock, bootTimer, Optional.of(newName));
    }

    /** The name of this VM's thread for {@code role} ({@code vcpu-0}): {@code NAME/vcpu-0}, or the role alone. */
    public String threadName(String role) {
        return name.map(n -> n + "/" + role).orElse(role);
    }

    private static <T> void requireUnique(List<T> items, java.util.function.Function<T, String> key, String name) {
        Set<String> seen = new HashSet<>();
        for (T item : items) {
            if (!seen.add(key.apply(item))) {
                throw new IllegalArgumentException("network-interfaces: " + name + " \"" + key.apply(item)
                        + "\" is used twice");
            }
        }
    }

    /**
     * One of Firecracker's {@code drives}: a virtio-blk device backed by a raw image file.
     * The root device is announced first and named by {@code root=/dev/vda} on the command line.
     */
    public record Drive(String driveId, Path pathOnHost, boolean isRootDevice, boolean isReadOnly, CacheType cacheType) {
        /** Firecracker's {@code cache_type}: whether the guest is offered flushes. */
        public enum CacheType {
            /** No flush offered (Firecracker's default): writes reach the host file at once, never fsynced. */
            UNSAFE,
            /** VIRTIO_BLK_F_FLUSH offered: each guest flush is an fsync of the image. */
            WRITEBACK
        }

        /** A drive with Firecracker's default cache type, Unsafe. */
        public Drive(String driveId, Path pathOnHost, boolean isRootDevice, boolean isReadOnly) {
            this(driveId, pathOnHost, isRootDevice, isReadOnly, CacheType.UNSAFE);
        }

        public Drive {
            Objects.requireNonNull(cacheType, "cache_type");
            Objects.requireNonNull(driveId, "drive_id");
            Objects.requireNonNull(pathOnHost, "path_on_host");
            if (driveId.isEmpty() || driveId.length() > 20) {
                // the virtio-blk serial (GET_ID) holds 20 bytes
                throw new IllegalArgumentException("drives: drive_id \"" + driveId + "\" must be 1 to 20 characters");
            }
        }
    }

    /**
     * One of Firecracker's {@code network-interfaces}: a virtio-net device whose frames go to and
     * come from the host's existing TAP interface {@code hostDevName}. Without a {@code guestMac}
     * the guest driver picks a random one.
     */
    public record NetworkInterface(String ifaceId, String hostDevName, Optional<MacAddress> guestMac) {
        /** IFNAMSIZ is 16 with the terminating NUL. */
        public static final int MAX_HOST_DEV_NAME = 15;

        public NetworkInterface {
            Objects.requireNonNull(ifaceId, "iface_id");
            Objects.requireNonNull(hostDevName, "host_dev_name");
            Objects.requireNonNull(guestMac, "guest_mac");
            if (ifaceId.isEmpty() || ifaceId.length() > 64) {
                throw new IllegalArgumentException("network-interfaces: iface_id \"" + ifaceId
                        + "\" must be 1 to 64 characters");
            }
            if (hostDevName.isEmpty() || hostDevName.length() > MAX_HOST_DEV_NAME
                    || !hostDevName.chars().allMatch(c -> c > ' ' && c < 127 && c != '/' && c != ':')) {
                throw new IllegalArgumentException("network-interfaces: host_dev_name \"" + hostDevName
                        + "\" is not an interface name (1 to 15 printable characters, no '/', ':' or space)");
            }
        }
    }

    /**
     * Firecracker's {@code vsock}: a virtio-vsock device with context ID {@code guestCid}. Host
     * programs reach guest ports through the Unix socket {@code udsPath} (writing
     * {@code CONNECT <port>\n}); the guest's connections to the host's port P go to the Unix
     * socket {@code <udsPath>_P}.
     */
    public record Vsock(long guestCid, Path udsPath) {
        /** CIDs 0 to 2 are the hypervisor, local and host; 0xFFFFFFFF is VMADDR_CID_ANY. */
        public static final long MIN_GUEST_CID = 3;
        public static final long MAX_GUEST_CID = 0xFFFF_FFFEL;

        public Vsock {
            Objects.requireNonNull(udsPath, "uds_path");
            if (guestCid < MIN_GUEST_CID || guestCid > MAX_GUEST_CID) {
                throw new IllegalArgumentException("vsock.guest_cid " + guestCid + " is not in "
                        + MIN_GUEST_CID + ".." + MAX_GUEST_CID);
            }
        }
    }

    /** Firecracker's {@code entropy}: a virtio-rng device fed from the host's random source. */
    public record Entropy() {}

    /**
     * Firecracker's {@code boot-source}. {@code protocol} is Panamax's: how the kernel is entered
     * (the Linux 64-bit boot protocol unless PVH is asked for; PVH needs an ELF vmlinux with the
     * PVH note).
     */
    public record BootSource(Path kernelImage, Optional<Path> initrd, String bootArgs, BootProtocol protocol) {
        /**
         * Firecracker's default when {@code boot_args} is absent, less its {@code i8042.noaux}:
         * Panamax's i8042 reports no AUX port, so Linux gives the mouse port up at once anyway.
         */
        public static final String DEFAULT_BOOT_ARGS = "reboot=k panic=1 pci=off nomodule 8250.nr_uarts=1";

        public BootSource {
            Objects.requireNonNull(kernelImage, "kernel_image_path");
            Objects.requireNonNull(initrd, "initrd_path");
            Objects.requireNonNull(bootArgs, "boot_args");
            Objects.requireNonNull(protocol, "protocol");
        }

        public BootSource(Path kernelImage, Optional<Path> initrd, String bootArgs) {
            this(kernelImage, initrd, bootArgs, BootProtocol.LINUX_64);
        }

        public BootSource withProtocol(BootProtocol p) {
            return new BootSource(kernelImage, initrd, bootArgs, p);
        }
    }

    /**
     * Firecracker's {@code machine-config}. {@code cpuidFeatureMask} is a Panamax extension: bits
     * cleared in it are cleared from CPUID leaf 1 ECX (high 32 bits) and EDX (low 32 bits), so a
     * guest can be kept off features the host has. {@code trackDirtyPages} records which pages
     * change (KVM's dirty log and the VMM's own writes), which diff snapshots need; a snapshot
     * does not keep it: a restore tracks when its own config says so (Firecracker's
     * {@code track_dirty_pages} of the load).
     */
    public record Machine(int vcpuCount, long memSizeMib, long cpuidFeatureMask, boolean trackDirtyPages) {
        public static final int MAX_VCPUS = 32;
        /** The guest needs room for the kernel, its page tables and an initramfs. */
        public static final long MIN_MEM_MIB = 16;
        /** Guest-physical space Panamax lays out: 1 TiB. */
        public static final long MAX_MEM_MIB = 1L << 20;
        public static final long ALL_FEATURES = -1L;

        public Machine {
            if (vcpuCount < 1 || vcpuCount > MAX_VCPUS) {
                throw new IllegalArgumentException("machine-config.vcpu_count " + vcpuCount + " is not in 1.." + MAX_VCPUS);
            }
            if (memSizeMib < MIN_MEM_MIB || memSizeMib > MAX_MEM_MIB) {
                throw new IllegalArgumentException("machine-config.mem_size_mib " + memSizeMib + " is not in "
                        + MIN_MEM_MIB + ".." + MAX_MEM_MIB);
            }
        }

        public Machine(int vcpuCount, long memSizeMib) {
            this(vcpuCount, memSizeMib, ALL_FEATURES);
        }

        /** A machine without dirty-page tracking. */
        public Machine(int vcpuCount, long memSizeMib, long cpuidFeatureMask) {
            this(vcpuCount, memSizeMib, cpuidFeatureMask, false);
        }

        public Machine withTrackDirtyPages(boolean track) {
            return new Machine(vcpuCount, memSizeMib, cpuidFeatureMask, track);
        }
    }
}
