/**
 * The device model shared by the VMM and the device modules, in the manner of rust-vmm's
 * vm-device: the {@link dev.panamax.device.Bus} that maps port and MMIO ranges to
 * {@link dev.panamax.device.BusDevice}s for the vCPU threads' exits, and the
 * {@link dev.panamax.device.InterruptLine} a device raises (and {@link dev.panamax.device.PatientInterrupt},
 * which raises it again when the driver never acknowledged it). A device (the legacy ones in vmm,
 * the virtio-mmio transport in virtio) implements these types itself, so the VMM registers it on
 * a bus and hands it an interrupt without adapters; this module knows nothing of KVM, vCPUs or
 * guest memory, so dependencies only point towards it.
 */
package dev.panamax.device;
