package dev.panamax.vmm;

import dev.panamax.kvm.Tap;
import dev.panamax.kvm.TapException;
import dev.panamax.kvm.testing.HostTap;
import dev.panamax.vmm.boot.BootProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Opening the configured devices' host ends: drives, network interfaces on their TAPs, rng. */
class VirtioDevicesTest {
    @TempDir
    Path tmp;

    private VmConfig config(List<VmConfig.Drive> drives, List<VmConfig.NetworkInterface> nets, boolean rng) {
        return new VmConfig(new VmConfig.BootSource(tmp.resolve("no-kernel"), Optional.empty(), "", BootProtocol.LINUX_64),
                new VmConfig.Machine(1, 128), drives, rng ? Optional.of(new VmConfig.Entropy()) : Optional.empty(),
                nets, Optional.empty());
    }

    private static VmConfig.NetworkInterface net(String id, String tap) {
        return new VmConfig.NetworkInterface(id, tap, Optional.of(MacAddress.parse("06:00:ac:10:00:02")));
    }

    @Test
    void aMissingTapFailsTheStartWithOneLineNamingInterfaceAndTap() {
        String tap = HostTap.uniqueName("pmxnone");
        VmConfig config = config(List.of(), List.of(net("eth0", tap)), false);
        assertThatThrownBy(() -> MicroVm.start(config, Console.outputOnly(new ByteArrayOutputStream())))
                .isInstanceOf(DeviceException.class)
                .hasMessage("network interface eth0: TAP " + tap + " does not exist");
    }

    @Test
    void networkDevicesComeAfterTheDrivesAndBeforeRngEachOnItsTap() throws Exception {
        assumeTrue(HostTap.canCreate(), "needs CAP_NET_ADMIN to make a TAP");
        Path disk = Files.write(tmp.resolve("disk.img"), new byte[4096]);
        try (HostTap a = HostTap.create(HostTap.uniqueName("pmxa"), "tap");
             HostTap b = HostTap.create(HostTap.uniqueName("pmxb"), "tap")) {
            Deque<AutoCloseable> resources = new ArrayDeque<>();
            VirtioDevices devices = VirtioDevices.open(config(List.of(new VmConfig.Drive("d", disk, false, false)),
                    List.of(net("eth0", a.name()), new VmConfig.NetworkInterface("eth1", b.name(), Optional.empty())), true),
                    resources);
            assertThat(devices.kernelArgs()).isEqualTo(" virtio_mmio.device=4K@0xd0000000:5"
                    + " virtio_mmio.device=4K@0xd0001000:6 virtio_mmio.device=4K@0xd0002000:7"
                    + " virtio_mmio.device=4K@0xd0003000:8");
            assertThat(resources).hasAtLeastOneElementOfType(Tap.class);
            assertThatThrownBy(() -> Tap.open(a.name())).isInstanceOf(TapException.class)
                    .hasMessage("TAP " + a.name() + " is in use by another process");
            while (!resources.isEmpty()) {
                resources.pop().close();
            }
            Tap.open(a.name()).close(); // released with the VM's resources
        }
    }

    @Test
    void aTapInUseFailsTheOpenAndWhatWasOpenedIsLeftToTheCaller() throws Exception {
        assumeTrue(HostTap.canCreate(), "needs CAP_NET_ADMIN to make a TAP");
        Path disk = Files.write(tmp.resolve("disk.img"), new byte[4096]);
        try (HostTap a = HostTap.create(HostTap.uniqueName("pmxuse"), "tap"); Tap holder = Tap.open(a.name())) {
            Deque<AutoCloseable> resources = new ArrayDeque<>();
            assertThatThrownBy(() -> VirtioDevices.open(config(List.of(new VmConfig.Drive("d", disk, false, false)),
                    List.of(net("eth0", a.name())), false), resources))
                    .isInstanceOf(DeviceException.class)
                    .hasMessage("network interface eth0: TAP " + a.name() + " is in use by another process");
            assertThat(resources).hasSize(2); // the drive and its image lock, which MicroVm.start closes
            while (!resources.isEmpty()) {
                resources.pop().close();
            }
            // closed, the drive's image is free again
            VirtioDevices.open(config(List.of(new VmConfig.Drive("d", disk, false, false)), List.of(), false),
                    resources);
            while (!resources.isEmpty()) {
                resources.pop().close();
            }
        }
    }

    @Test
    void twoVmsCannotWriteOneImageButMayShareItReadOnly() throws Exception {
        Path disk = Files.write(tmp.resolve("shared.img"), new byte[4096]);
        Deque<AutoCloseable> first = new ArrayDeque<>();
        Deque<AutoCloseable> second = new ArrayDeque<>();
        try {
            VirtioDevices.open(config(List.of(new VmConfig.Drive("root", disk, true, false)), List.of(), false), first);
            assertThatThrownBy(() -> VirtioDevices.open(config(List.of(new VmConfig.Drive("data", disk, false, true)),
                    List.of(), false), second))
                    .isInstanceOf(DeviceException.class)
                    .hasMessage("drive data: disk image " + disk + ": in use by another VM (a writable drive needs the "
                            + "image to itself; read-only drives can share it)");
            while (!first.isEmpty()) {
                first.pop().close();
            }
            while (!second.isEmpty()) {
                second.pop().close();
            }
            VirtioDevices.open(config(List.of(new VmConfig.Drive("a", disk, false, true)), List.of(), false), first);
            VirtioDevices.open(config(List.of(new VmConfig.Drive("b", disk, false, true)), List.of(), false), second);
        } finally {
            for (Deque<AutoCloseable> r : List.of(first, second)) {
                while (!r.isEmpty()) {
                    r.pop().close();
                }
            }
        }
    }
}
