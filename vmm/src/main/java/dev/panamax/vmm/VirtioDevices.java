package dev.panamax.vmm;

import dev.panamax.vmm.snapshot.SnapshotState;

import dev.panamax.device.Bus;
import dev.panamax.device.MetricsGroup;
import dev.panamax.kvm.EventFd;
import dev.panamax.kvm.ImageLock;
import dev.panamax.kvm.Tap;
import dev.panamax.kvm.VmFd;
import dev.panamax.memory.GuestMemory;
import dev.panamax.virtio.BlockDevice;
import dev.panamax.virtio.NetDevice;
import dev.panamax.virtio.RngDevice;
import dev.panamax.virtio.VirtioDevice;
import dev.panamax.virtio.VirtioMmioDevice;
import dev.panamax.virtio.vsock.VsockDevice;
import dev.panamax.vmm.boot.MemoryMap;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The configured virtio-mmio devices: drives (the root device first, so it is /dev/vda), the
 * network interfaces (each on its TAP), vsock and the entropy device, each in its own 4 KiB
 * window from {@link MemoryMap#VIRTIO_MMIO_BASE} with
 * its own interrupt line from 5 up. Linux finds them through {@code virtio_mmio.device=}
 * entries on the command line, since a microVM has no bus to enumerate.
 */
final class VirtioDevices {
    static final int FIRST_IRQ = 5;
    /** The IOAPIC has 24 pins. */
    static final int LAST_IRQ = 23;

    /** What, besides the guest's kicks, makes the event loop run one of a device's queues. */
    private sealed interface Wakeup {
        int queue();

        /** The device's TAP became readable (edge-triggered). */
        record Readable(Tap tap, int queue) implements Wakeup {}

        /** The device signalled work of its own (vsock's host sockets). */
        record Signal(EventFd fd, int queue) implements Wakeup {}
    }

    private record Slot(VirtioDevice device, long base, int irq, Optional<Wakeup> wakeup) {}

    private final List<Slot> slots = new ArrayList<>();
    /** Each drive's lock on its image, by drive id; released when the VM closes. */
    private final Map<String, ImageLock> imageLocks = new HashMap<>();
    /** Each drive, by drive id, once attached. */
    private final Map<String, AttachedDrive> attachedDrives = new HashMap<>();

    /** Each device's transport, in slot order, once attached: what a snapshot saves and restores. */
    private final List<VirtioMmioDevice> transports = new ArrayList<>();

    /** A drive and the transport it is attached through, for changing its image later. */
    private record AttachedDrive(BlockDevice block, VirtioMmioDevice transport) {}
    private final String rootArgs;

    private VirtioDevices(String rootArgs) {
        this.rootArgs = rootArgs;
    }

    /** Opens every configured device's backing; failures name the drive and file, or the interface and TAP. */
    static VirtioDevices open(VmConfig config, Deque<AutoCloseable> resources) {
        List<VmConfig.Drive> drives = config.drives().stream()
                .sorted(Comparator.comparing(d -> !d.isRootDevice())).toList();
        String root = drives.stream().filter(VmConfig.Drive::isRootDevice).findFirst()
                .map(d -> " root=/dev/vda " + (d.isReadOnly() ? "ro" : "rw")).orElse("");
        VirtioDevices devices = new VirtioDevices(root);
        resources.push(devices::releaseImages);
        for (VmConfig.Drive d : drives) {
            BlockDevice block;
            try {
                // locked before it is opened: a drive never serves an image another VM writes
                devices.imageLocks.put(d.driveId(), ImageLock.acquire(d.pathOnHost(), !d.isReadOnly()));
                block = BlockDevice.open(d.pathOnHost(), d.isReadOnly(), d.driveId(),
                        d.cacheType() == VmConfig.Drive.CacheType.WRITEBACK);
            } catch (RuntimeException e) {
                throw new DeviceException("drive " + d.driveId() + ": " + e.getMessage(), e);
            }
            resources.push(block);
            devices.add(block, Optional.empty());
        }
        for (VmConfig.NetworkInterface n : config.networkInterfaces()) {
            Tap tap;
            try {
                tap = Tap.open(n.hostDevName());
            } catch (RuntimeException e) {
                throw new DeviceException("network interface " + n.ifaceId() + ": " + e.getMessage(), e);
            }
            resources.push(tap);
            OptionalLong mac = n.guestMac().map(m -> OptionalLong.of(m.bits())).orElse(OptionalLong.empty());
            devices.add(new NetDevice(n.ifaceId(), new TapBackend(tap), mac),
                    Optional.of(new Wakeup.Readable(tap, NetDevice.RX_QUEUE)));
        }
        config.vsock().ifPresent(v -> {
            EventFd work = EventFd.create();
            resources.push(work);
            VsockDevice vsock;
            try {
                vsock = VsockDevice.open(v.guestCid(), v.udsPath(), work::signal, config.threadName("vsock-io"));
            } catch (RuntimeException e) {
                throw new DeviceException("vsock: " + e.getMessage(), e);
            }
            resources.push(vsock);
            devices.add(vsock, Optional.of(new Wakeup.Signal(work, VsockDevice.RX)));
        });
        config.entropy().ifPresent(e -> devices.add(new RngDevice(), Optional.empty()));
        return devices;
    }

    private void add(VirtioDevice device, Optional<Wakeup> wakeup) {
        int index = slots.size();
        int irq = FIRST_IRQ + index;
        if (irq > LAST_IRQ) {
            throw new DeviceException("too many devices: interrupt lines run out after " + index, null);
        }
        slots.add(new Slot(device, MemoryMap.VIRTIO_MMIO_BASE + index * MemoryMap.VIRTIO_MMIO_SIZE, irq, wakeup));
    }

    /**
     * Points drive {@code driveId} at another image of the same mode; the guest learns the new
     * size from a configuration-change interrupt. A bad image changes nothing.
     *
     * @throws DeviceException naming the drive, for an unknown drive or an image that cannot serve
     */
    void replaceDriveImage(String driveId, Path image) {
        AttachedDrive drive = attachedDrives.get(driveId);
        if (drive == null) {
            throw new DeviceException("drive " + driveId + ": no such drive", null);
        }
        ImageLock newLock;
        try {
            newLock = ImageLock.acquire(image, !drive.block().isReadOnly());
        } catch (RuntimeException e) {
            throw new DeviceException("drive " + driveId + ": " + e.getMessage(), e);
        }
        try {
            drive.transport().changeConfig(() -> drive.block().replaceImage(image));
        } catch (RuntimeException e) {
            newLock.close();
            throw new DeviceException("drive " + driveId + ": " + e.getMessage(), e);
        }
        synchronized (imageLocks) {
            ImageLock old = imageLocks.put(driveId, newLock);
            if (old != null) {
                old.close();
            }
        }
    }

    private void releaseImages() {
        synchronized (imageLocks) {
            imageLocks.values().forEach(ImageLock::close);
            imageLocks.clear();
        }
    }

    /** Every device's transport and device state, in slot order; the VM must be paused. */
    List<SnapshotState.Virtio> saveStates() {
        return transports.stream().map(t -> new SnapshotState.Virtio(t.saveState(), t.saveDeviceState())).toList();
    }

    /**
     * Puts each attached device into its saved state, before any vCPU runs.
     *
     * @throws DeviceException naming the device that does not fit
     */
    void restoreStates(List<SnapshotState.Virtio> saved) {
        if (saved.size() != transports.size()) {
            throw new DeviceException("the snapshot has " + saved.size() + " virtio devices, the VM "
                    + transports.size(), null);
        }
        for (int i = 0; i < saved.size(); i++) {
            try {
                transports.get(i).restoreState(saved.get(i).transport(), saved.get(i).device());
            } catch (RuntimeException e) {
                throw new DeviceException(e.getMessage(), e);
            }
        }
    }

    /** Each device's metrics group, for those that keep one. */
    List<MetricsGroup> metrics() {
        return slots.stream().flatMap(s -> s.device().metrics().stream()).toList();
    }

    /** The command-line words that announce the devices (and the root device, if any). */
    String kernelArgs() {
        StringBuilder args = new StringBuilder();
        for (Slot s : slots) {
            args.append(" virtio_mmio.device=4K@0x").append(Long.toHexString(s.base())).append(':').append(s.irq());
        }
        return args.append(rootArgs).toString();
    }

    /**
     * Connects each device to the VM: its window on the MMIO bus, an irqfd for its interrupt,
     * and per queue an ioeventfd whose signal the event loop turns into queue processing. A
     * network device's TAP is watched too: frames waiting run its receive queue, through the
     * transport like a kick, so they are served under its device lock and never while paused.
     */
    void attach(VmFd vm, GuestMemory memory, Bus mmio, EventLoop loop, Deque<AutoCloseable> resources) {
        for (Slot s : slots) {
            EventFd interrupt = EventFd.create();
            resources.push(interrupt);
            vm.registerIrqfd(interrupt, s.irq());
            List<EventFd> notifiers = new ArrayList<>();
            VirtioMmioDevice device = new VirtioMmioDevice(memory, s.device(), interrupt::signal,
                    queue -> notifiers.get(queue).signal());
            for (int q = 0; q < device.queueCount(); q++) {
                EventFd notify = EventFd.create();
                resources.push(notify);
                notifiers.add(notify);
                vm.registerIoeventfd(notify, s.base() + VirtioMmioDevice.NOTIFY_OFFSET, 4, false, OptionalLong.of(q));
                int queue = q;
                loop.add(notify, () -> device.processQueue(queue));
            }
            // A TAP is watched edge-triggered: the device reads it until it is empty, or until the
            // guest has no buffer left, and then the guest's kick (not the TAP) brings it back.
            s.wakeup().ifPresent(w -> {
                Runnable run = () -> device.processQueue(w.queue());
                switch (w) {
                    case Wakeup.Readable r -> loop.addReadable(r.tap(), run);
                    case Wakeup.Signal signal -> loop.add(signal.fd(), run);
                }
            });
            mmio.register(s.base(), MemoryMap.VIRTIO_MMIO_SIZE, device);
            transports.add(device);
            if (s.device() instanceof BlockDevice block) {
                attachedDrives.put(block.driveId(), new AttachedDrive(block, device));
            }
        }
    }

    /** Raises again each device interrupt the guest has left unacknowledged for {@code patienceNanos}; how many. */
    int reraiseUnacknowledged(long nowNanos, long patienceNanos) {
        int n = 0;
        for (VirtioMmioDevice t : transports) {
            n += t.reraiseIfUnacknowledged(nowNanos, patienceNanos) ? 1 : 0;
        }
        return n;
    }

    /** How often device interrupts had to be raised again, all devices together. */
    long reraisedInterrupts() {
        return transports.stream().mapToLong(VirtioMmioDevice::reraisedInterrupts).sum();
    }

    /** Every device's {@link VirtioMmioDevice#describe()}, one after the other. */
    String describe() {
        return transports.stream().map(VirtioMmioDevice::describe).collect(java.util.stream.Collectors.joining("\n"));
    }
}
