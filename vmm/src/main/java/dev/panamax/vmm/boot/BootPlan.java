package dev.panamax.vmm.boot;

import dev.panamax.vcpu.Segment;
import dev.panamax.memory.GuestMemory;

import java.util.Objects;
import java.util.Optional;

/**
 * What the boot vCPU must look like when it first enters the guest, after {@link LinuxLoader}
 * has filled guest memory. The vCPU setup copies these values into kvm_regs/kvm_sregs without
 * deriving anything: RIP = {@code entryPoint}; RSP = RBP = {@code stackPointer}; the register
 * named by {@code bootInfoRegister} = {@code bootInfoAddress}, every other general register 0;
 * RFLAGS = {@code rflags}; CR0/CR3/CR4/EFER from {@code control}; GDTR/IDTR from {@code gdt}
 * and {@code idt}; CS = {@code code}; DS, ES, FS, GS and SS = {@code data}; TR = {@code taskRegister};
 * LDTR keeps its reset value. Application processors are not set up here: they wait for INIT/SIPI.
 *
 * @param kernel the guest-physical span the kernel occupies while booting (for logs and checks)
 * @param initrd where the initrd was put, if one was given
 */
public record BootPlan(BootProtocol protocol, long entryPoint, BootInfoRegister bootInfoRegister, long bootInfoAddress,
        long stackPointer, long rflags, ControlRegisters control, DescriptorTable gdt, DescriptorTable idt,
        Segment code, Segment data, Segment taskRegister, GuestMemory.Range kernel, Optional<GuestMemory.Range> initrd) {

    public BootPlan {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(bootInfoRegister, "bootInfoRegister");
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(gdt, "gdt");
        Objects.requireNonNull(idt, "idt");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(taskRegister, "taskRegister");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(initrd, "initrd");
    }

    /** The general register that carries the boot-information address. */
    public enum BootInfoRegister {
        /** Linux 64-bit protocol: RSI = boot_params. */
        RSI,
        /** PVH: EBX = hvm_start_info. */
        RBX
    }

    /** CR0, CR3 (page-table root, 0 without paging), CR4 and the EFER MSR, as whole values. */
    public record ControlRegisters(long cr0, long cr3, long cr4, long efer) {}

    /** A GDTR/IDTR value: base address and limit (size in bytes minus one). */
    public record DescriptorTable(long base, int limit) {}
}
