/**
 * The legacy devices a microVM keeps, 8250 UART and i8042, and the {@link dev.panamax.vmm.device.Bus}
 * that maps port and MMIO ranges to them for the vCPU threads' exits.
 */
package dev.panamax.vmm.device;
