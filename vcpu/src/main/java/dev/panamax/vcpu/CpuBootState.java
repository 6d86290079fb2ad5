package dev.panamax.vcpu;

import java.util.Objects;

/**
 * The register state the boot vCPU starts in: the one description of it, built by the kernel
 * loader and loaded by {@link VcpuSetup#enter}, so nothing translates between the two.
 * {@code VcpuSetup} copies these values into kvm_regs/kvm_sregs without deriving anything:
 * RIP = {@code entryPoint}; RSP = RBP = {@code stackPointer}; RFLAGS = {@code rflags}; the
 * register named by {@code bootInfoRegister} = {@code bootInfoAddress}, every other general
 * register 0; CR0/CR3/CR4/EFER from {@code control}; GDTR/IDTR from {@code gdt} and {@code idt};
 * CS = {@code code}; DS, ES, FS, GS and SS = {@code data}; TR = {@code taskRegister}; LDTR keeps
 * its reset value. The segments are decoded from the GDT the loader wrote
 * ({@link Segment#fromDescriptor}), so they match what the guest would load itself.
 * Application processors are not set up from this: they wait for INIT/SIPI.
 */
public record CpuBootState(long entryPoint, long stackPointer, long rflags, BootInfoRegister bootInfoRegister,
        long bootInfoAddress, ControlRegisters control, DescriptorTable gdt, DescriptorTable idt, Segment code,
        Segment data, Segment taskRegister) {

    public CpuBootState {
        Objects.requireNonNull(bootInfoRegister, "bootInfoRegister");
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(gdt, "gdt");
        Objects.requireNonNull(idt, "idt");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(taskRegister, "taskRegister");
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
