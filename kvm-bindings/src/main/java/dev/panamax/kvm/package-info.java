/**
 * Safe handles over KVM, in the manner of rust-vmm's kvm-ioctls: {@link dev.panamax.kvm.Kvm}
 * (the system fd), {@link dev.panamax.kvm.VmFd} (a VM) and {@link dev.panamax.kvm.VcpuFd}
 * (a vCPU and its run loop's exits, {@link dev.panamax.kvm.VmExit}), and the process's seccomp
 * filter ({@link dev.panamax.kvm.Seccomp}). Failures surface as
 * {@link dev.panamax.kvm.sys.SyscallException}s naming the ioctl and errno.
 */
package dev.panamax.kvm;
