package dev.panamax.vmm.snapshot;

import dev.panamax.vcpu.VcpuState;
import dev.panamax.virtio.DeviceState;
import dev.panamax.virtio.TransportState;
import dev.panamax.vmm.VmConfig;
import dev.panamax.vmm.device.LegacyDeviceState;

import java.util.List;
import java.util.Objects;

/**
 * A paused VM's state, all but its memory: the configuration it was built from (its devices'
 * backing files, which a restore opens again), each vCPU, the VM-wide KVM state and every
 * device. Byte arrays are KVM's structs as the host lays them out; they are not changed once here.
 */
public record SnapshotState(VmConfig config, List<VcpuState> vcpus, Vm vm, LegacyDeviceState.Serial serial,
        LegacyDeviceState.Keyboard keyboard, List<Virtio> virtio) {
    public SnapshotState {
        Objects.requireNonNull(config, "config");
        vcpus = List.copyOf(vcpus);
        Objects.requireNonNull(vm, "vm");
        Objects.requireNonNull(serial, "serial");
        Objects.requireNonNull(keyboard, "keyboard");
        virtio = List.copyOf(virtio);
        if (vcpus.size() != config.machine().vcpuCount()) {
            throw new IllegalArgumentException(vcpus.size() + " vCPU states for a machine of "
                    + config.machine().vcpuCount() + " vCPUs");
        }
    }

    /**
     * The VM-wide KVM state: the guest's kvmclock when it was paused, the in-kernel PIC pair and
     * IOAPIC ({@code struct kvm_irqchip} each), and the PIT ({@code struct kvm_pit_state2}).
     */
    public record Vm(long clock, byte[] picMaster, byte[] picSlave, byte[] ioapic, byte[] pit) {
        public Vm {
            Objects.requireNonNull(picMaster, "picMaster");
            Objects.requireNonNull(picSlave, "picSlave");
            Objects.requireNonNull(ioapic, "ioapic");
            Objects.requireNonNull(pit, "pit");
        }
    }

    /** One virtio-mmio device, in the order the VM attached them: its transport and the device. */
    public record Virtio(TransportState transport, DeviceState device) {
        public Virtio {
            Objects.requireNonNull(transport, "transport");
            Objects.requireNonNull(device, "device");
        }
    }
}
