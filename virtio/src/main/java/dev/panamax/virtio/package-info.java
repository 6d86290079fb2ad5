/**
 * virtio 1.x devices for the VMM: the split virtqueue ({@link dev.panamax.virtio.Virtqueue}), the
 * virtio-mmio version 2 transport ({@link dev.panamax.virtio.VirtioMmioDevice}) and the devices
 * behind it ({@link dev.panamax.virtio.BlockDevice}, {@link dev.panamax.virtio.RngDevice},
 * {@link dev.panamax.virtio.NetDevice} over a {@link dev.panamax.virtio.NetBackend} the VMM provides).
 *
 * <p>Modelled on rust-vmm's virtio-queue and virtio-device crates: a device pops descriptor
 * chains from its queues and adds used elements; the transport owns the registers, the driver
 * status state machine, feature negotiation and interrupts; it is a
 * {@link dev.panamax.device.BusDevice} raising a {@link dev.panamax.device.InterruptLine}, so the
 * VMM maps it on its MMIO bus as it is. Everything the guest wrote (ring indexes, descriptors,
 * buffer addresses and lengths) is hostile input: it is only ever touched through
 * {@link dev.panamax.memory.GuestMemory}'s bounds checks, a malformed ring raises
 * {@link dev.panamax.virtio.VirtqueueException} which the transport turns into
 * DEVICE_NEEDS_RESET, and a malformed request fails just that request.
 */
package dev.panamax.virtio;
