package dev.panamax.vmm.boot;

/** How the vCPU enters the kernel. */
public enum BootProtocol {
    /**
     * Linux 64-bit boot protocol: long mode with identity paging, RSI = boot_params. Works for
     * both an ELF vmlinux and a bzImage (protocol 2.12+).
     */
    LINUX_64,
    /**
     * Xen PVH direct boot: 32-bit protected mode without paging at the ELF note
     * XEN_ELFNOTE_PHYS32_ENTRY, EBX = hvm_start_info. ELF vmlinux only.
     */
    PVH
}
