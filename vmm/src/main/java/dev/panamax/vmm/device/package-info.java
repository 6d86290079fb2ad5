/**
 * The legacy devices a microVM keeps, 8250 UART and i8042, which the VMM maps on its port bus,
 * and Firecracker's boot-timer device on its MMIO bus: {@link dev.panamax.device.BusDevice}s.
 */
package dev.panamax.vmm.device;
