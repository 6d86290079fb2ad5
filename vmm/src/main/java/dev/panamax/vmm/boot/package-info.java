/**
 * x86_64 Linux boot-time guest memory setup: the guest-physical memory map and e820 table
 * ({@link dev.panamax.vmm.boot.MemoryMap}), and a loader ({@link dev.panamax.vmm.boot.LinuxLoader})
 * that puts an ELF vmlinux or a bzImage, an initrd and the command line into guest RAM and writes
 * what the kernel reads at boot: boot_params (the "zero page") for the Linux 64-bit boot protocol
 * or hvm_start_info for PVH, the MP table, a GDT and identity page tables.
 *
 * <p>Plain Java over {@link dev.panamax.memory.GuestMemory}; nothing here calls KVM. The loader
 * returns a {@link dev.panamax.vmm.boot.BootPlan} whose {@link dev.panamax.vcpu.CpuBootState} is
 * every register value the vCPU setup loads, built here and handed over unchanged. Kernel and
 * initrd files are untrusted input: they are validated before anything is written, and bad input
 * fails with a {@link dev.panamax.vmm.boot.BootException} whose message is one line naming the
 * file and the problem.
 *
 * <p>References: Linux Documentation/arch/x86/boot.rst and zero-page.rst, Xen
 * public/arch-x86/hvm/start_info.h, Linux arch/x86/platform/pvh/head.S, Intel MP Specification
 * 1.4 (Linux asm/mpspec_def.h); rust-vmm linux-loader and Firecracker as models.
 */
package dev.panamax.vmm.boot;
