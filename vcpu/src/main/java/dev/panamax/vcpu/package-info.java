/**
 * The vCPU thread: the KVM_RUN loop, exit dispatch, and x86 register, MSR, CPUID, FPU and LAPIC setup.
 */
package dev.panamax.vcpu;
