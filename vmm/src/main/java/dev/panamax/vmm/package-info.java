/**
 * Machine assembly: memory map, Linux loaders, buses, legacy devices, interrupt routing and lifecycle.
 */
package dev.panamax.vmm;
