package dev.panamax.vmm.boot;

import dev.panamax.memory.GuestMemory;
import dev.panamax.vcpu.CpuBootState;
import dev.panamax.vcpu.CpuBootState.BootInfoRegister;
import dev.panamax.vcpu.CpuBootState.ControlRegisters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Loads a Linux kernel for x86_64 direct boot: the kernel (ELF vmlinux or bzImage, told apart by
 * magic), an optional initrd at the top of low RAM, the command line, the MP table, and the boot
 * structures of the chosen protocol. Everything is validated before the first write to guest
 * memory, so bad input fails with a one-line {@link BootException} before RAM is touched.
 */
public final class LinuxLoader {
    /** RFLAGS with only the always-one bit 1: interrupts off, as both protocols require. */
    static final long RFLAGS_RESERVED = 0x2;
    static final long CR0_PE = 1;
    static final long CR0_ET = 1 << 4;
    static final long CR0_PG = 1L << 31;
    static final long CR4_PAE = 1 << 5;
    static final long EFER_LME = 1 << 8;
    static final long EFER_LMA = 1 << 10;
    /** ramdisk_size is a u32. */
    private static final long MAX_INITRD_SIZE = 0xffff_ffffL;

    private LinuxLoader() {}

    /** {@link #load(GuestMemory, MemoryMap, Path, Optional, String, int, BootProtocol)} with the Linux 64-bit protocol. */
    public static BootPlan load(GuestMemory mem, MemoryMap map, Path kernel, Optional<Path> initrd, String cmdline,
            int vcpuCount) {
        return load(mem, map, kernel, initrd, cmdline, vcpuCount, BootProtocol.LINUX_64);
    }

    /**
     * Fills {@code mem}, laid out by {@code map}, for booting {@code kernel} with {@code protocol},
     * and says how the boot vCPU must start.
     *
     * @throws BootException if the kernel, initrd, command line or vCPU count cannot work
     * @throws IllegalArgumentException if {@code mem} does not back {@code map}
     */
    public static BootPlan load(GuestMemory mem, MemoryMap map, Path kernel, Optional<Path> initrd, String cmdline,
            int vcpuCount, BootProtocol protocol) {
        Objects.requireNonNull(mem, "mem");
        Objects.requireNonNull(map, "map");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(initrd, "initrd");
        Objects.requireNonNull(cmdline, "cmdline");
        Objects.requireNonNull(protocol, "protocol");
        map.requireBackedBy(mem);
        byte[] mpTable = MpTable.build(vcpuCount);

        try (ImageFile kernelFile = ImageFile.open(ImageFile.KERNEL, kernel);
                ImageFile initrdFile = initrd.map(p -> ImageFile.open(ImageFile.INITRD, p)).orElse(null)) {
            KernelImage image = KernelImage.parse(kernelFile, map);
            long entry = switch (protocol) {
                case LINUX_64 -> {
                    requireIdentityMapped(image);
                    yield image.entry64();
                }
                case PVH -> image.pvhEntry();
            };
            byte[] cmdlineBytes = commandLine(cmdline, image);
            Optional<GuestMemory.Range> initrdRange = Optional.ofNullable(initrdFile)
                    .map(f -> placeInitrd(f, image, map));

            // Validated: from here on only writes inside ranges already checked.
            image.loadInto(mem);
            initrdRange.ifPresent(r -> initrdFile.copyTo(mem, r.guestAddress(), 0, r.size()));
            mem.write(MemoryMap.CMDLINE_START, cmdlineBytes);
            mem.write(MemoryMap.MPTABLE_START, mpTable);
            return switch (protocol) {
                case LINUX_64 -> {
                    mem.write(MemoryMap.ZERO_PAGE_START,
                            ZeroPage.build(image, map.e820(), cmdlineBytes.length, initrdRange));
                    IdentityPageTables.write(mem);
                    BootGdt.LONG_MODE.writeTo(mem);
                    yield new BootPlan(protocol, cpu(entry, BootInfoRegister.RSI, MemoryMap.ZERO_PAGE_START,
                            new ControlRegisters(CR0_PE | CR0_ET | CR0_PG, MemoryMap.PML4_START, CR4_PAE,
                                    EFER_LME | EFER_LMA),
                            BootGdt.LONG_MODE), image.footprint(), initrdRange);
                }
                case PVH -> {
                    PvhStartInfo.write(mem, map.e820(), initrdRange);
                    BootGdt.PROTECTED_MODE.writeTo(mem);
                    yield new BootPlan(protocol, cpu(entry, BootInfoRegister.RBX, MemoryMap.PVH_START_INFO,
                            new ControlRegisters(CR0_PE | CR0_ET, 0, 0, 0), BootGdt.PROTECTED_MODE),
                            image.footprint(), initrdRange);
                }
            };
        }
    }

    /** The boot vCPU's state on the stack, GDT and IDT this loader wrote, both protocols alike. */
    private static CpuBootState cpu(long entry, BootInfoRegister register, long bootInfo, ControlRegisters control,
            BootGdt gdt) {
        return new CpuBootState(entry, MemoryMap.BOOT_STACK_POINTER, RFLAGS_RESERVED, register, bootInfo, control,
                gdt.gdtr(), gdt.idtr(), gdt.code(), gdt.data(), gdt.taskRegister());
    }

    /** boot.rst: at the 64-bit entry the kernel's init_size range must be identity mapped. */
    private static void requireIdentityMapped(KernelImage image) {
        long end = image.footprint().guestAddress() + image.footprint().size();
        if (end > IdentityPageTables.MAPPED_BYTES) {
            throw image.file().error("occupies guest RAM up to 0x" + Long.toHexString(end)
                    + ", beyond the first 1 GiB the boot page tables map");
        }
    }

    /** The NUL-terminated command line, within what the kernel accepts. */
    private static byte[] commandLine(String cmdline, KernelImage image) {
        byte[] text = cmdline.getBytes(StandardCharsets.UTF_8);
        for (byte b : text) {
            if (b == 0) {
                throw new BootException("kernel command line contains a NUL character");
            }
        }
        if (text.length > image.maxCmdlineLength()) {
            throw new BootException("kernel command line is " + text.length + " bytes, more than the "
                    + image.maxCmdlineLength() + " that " + ImageFile.KERNEL + " " + image.file().path() + " accepts");
        }
        byte[] withNul = new byte[text.length + 1];
        System.arraycopy(text, 0, withNul, 0, text.length);
        return withNul;
    }

    /**
     * The initrd's place: page aligned, as high in low RAM as the kernel allows, above the
     * kernel's boot footprint.
     */
    private static GuestMemory.Range placeInitrd(ImageFile initrd, KernelImage image, MemoryMap map) {
        long size = initrd.size();
        if (size == 0) {
            throw initrd.error("is empty");
        }
        if (size > MAX_INITRD_SIZE) {
            throw initrd.error("is " + size + " bytes; the boot protocol takes at most 4 GiB - 1");
        }
        long top = Math.min(map.lowRamEnd(), image.initrdLimit());
        long kernelEnd = image.footprint().guestAddress() + image.footprint().size();
        long floor = alignUp(kernelEnd, MemoryMap.PAGE_SIZE);
        if (size > top - floor) {
            throw initrd.error(mib(size) + " does not fit in guest RAM between the kernel's end 0x"
                    + Long.toHexString(floor) + " and 0x" + Long.toHexString(top) + " (" + mib(Math.max(0, top - floor))
                    + " free)");
        }
        return new GuestMemory.Range((top - size) & -MemoryMap.PAGE_SIZE, size);
    }

    private static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (double) (1 << 20));
    }
}
