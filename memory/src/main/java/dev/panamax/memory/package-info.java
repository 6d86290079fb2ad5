/**
 * Guest RAM, in the manner of rust-vmm's vm-memory: {@link dev.panamax.memory.GuestMemory}
 * maps host memory for each region, registers the regions as KVM memory slots, and is the
 * one gate for every guest-physical access, bounds-checked so a hostile guest address can
 * never make the VMM touch host memory outside guest RAM.
 */
package dev.panamax.memory;
