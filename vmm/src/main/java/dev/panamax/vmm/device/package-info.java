/**
 * The legacy devices a microVM keeps, 8250 UART and i8042: {@link dev.panamax.device.BusDevice}s
 * the VMM maps on its port bus.
 */
package dev.panamax.vmm.device;
