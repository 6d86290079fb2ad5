package dev.panamax.vmm.boot;

import dev.panamax.vcpu.CpuBootState;
import dev.panamax.vcpu.Segment;
import static dev.panamax.vmm.boot.TestImages.pattern;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.panamax.memory.GuestMemory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElfLoaderTest {
    private static final long KERNEL = 0x100_0000;
    private static final long RAM_END = 64L << 20;
    private static final String CMDLINE = "console=ttyS0 reboot=k panic=1";

    @TempDir
    Path dir;

    private final Guest guest = Guest.ofMib(64);

    @AfterEach
    void close() {
        guest.close();
    }

    private BootPlan load(TestImages.Elf elf, Optional<byte[]> initrd, BootProtocol protocol) {
        Path kernel = TestImages.write(dir, "vmlinux", elf.build());
        Optional<Path> initrdPath = initrd.map(b -> TestImages.write(dir, "initrd", b));
        return LinuxLoader.load(guest.mem(), guest.map(), kernel, initrdPath, CMDLINE, 2, protocol);
    }

    private static TestImages.Elf kernel() {
        return new TestImages.Elf().load(KERNEL, pattern(0x2000, 1), 0x3000);
    }

    @Test
    void copiesSegmentsToTheirPhysicalAddressesAndZeroesBss() {
        byte[] text = pattern(0x2000, 1);
        byte[] data = pattern(0x100, 2);
        guest.mem().slice(KERNEL + 0x2000, 0x1000).fill((byte) 0xee);
        TestImages.Elf elf = new TestImages.Elf()
                .load(KERNEL, text, 0x3000)
                .load(0x120_0000, 0xffff_ffff_8120_0000L, data, 0x100);

        BootPlan plan = load(elf, Optional.empty(), BootProtocol.LINUX_64);

        assertThat(guest.mem().read(KERNEL, text.length)).isEqualTo(text);
        assertThat(guest.mem().read(KERNEL + 0x2000, 0x1000)).containsOnly(0);
        assertThat(guest.mem().read(0x120_0000, data.length)).isEqualTo(data);
        assertThat(plan.kernel()).isEqualTo(new GuestMemory.Range(KERNEL, 0x20_0100));
        assertThat(plan.initrd()).isEmpty();
    }

    @Test
    void planEntersLongModeAtThePhysicalEntryWithBootParamsInRsi() {
        BootPlan plan = load(kernel().entry(KERNEL + 0x40), Optional.empty(), BootProtocol.LINUX_64);

        assertThat(plan.protocol()).isEqualTo(BootProtocol.LINUX_64);
        // the whole register state, as VcpuSetup.enter will load it
        assertThat(plan.cpu()).isEqualTo(new CpuBootState(KERNEL + 0x40, 0x8ff0, 2, CpuBootState.BootInfoRegister.RSI,
                0x7000, new CpuBootState.ControlRegisters(0x8000_0011L, 0x9000, 0x20, 0x500),
                new CpuBootState.DescriptorTable(0x500, 31), new CpuBootState.DescriptorTable(0x520, 0),
                new Segment(0x10, 0, 0xffff_ffffL, 0xb, 0, false, true, true, true, true),
                new Segment(0x18, 0, 0xffff_ffffL, 0x3, 0, true, true, false, true, true),
                new Segment(0x08, 0, 0x67, 0xb, 0, false, false, false, false, true)));
    }

    @Test
    void virtualEntryPointIsTranslatedThroughItsSegment() {
        TestImages.Elf elf = new TestImages.Elf()
                .load(KERNEL, 0xffff_ffff_8100_0000L, pattern(0x1000, 3), 0x1000)
                .entry(0xffff_ffff_8100_0010L);

        assertThat(load(elf, Optional.empty(), BootProtocol.LINUX_64).cpu().entryPoint()).isEqualTo(KERNEL + 0x10);
    }

    @Test
    void writesBootParamsCommandLineAndInitrd() {
        byte[] initrd = pattern(10_000, 4);

        BootPlan plan = load(kernel(), Optional.of(initrd), BootProtocol.LINUX_64);

        long initrdAt = (RAM_END - initrd.length) & -4096L;
        assertThat(plan.initrd()).contains(new GuestMemory.Range(initrdAt, initrd.length));
        assertThat(guest.mem().read(initrdAt, initrd.length)).isEqualTo(initrd);
        assertThat(guest.mem().read(0x20000, CMDLINE.length() + 1))
                .isEqualTo((CMDLINE + "\0").getBytes(StandardCharsets.US_ASCII));

        Guest.ByteBufferView zp = guest.view(0x7000, 4096);
        assertThat(zp.u16(0x1fe)).isEqualTo(0xaa55);
        assertThat(zp.ascii(0x202, 4)).isEqualTo("HdrS");
        assertThat(zp.u8(0x210)).isEqualTo(0xff);
        assertThat(zp.u8(0x211)).isEqualTo(0x81);
        assertThat(zp.u16(0x224)).isEqualTo(0xde00);
        assertThat(zp.u32(0x228)).isEqualTo(0x20000);
        assertThat(zp.u32(0x230)).isEqualTo(0x100_0000);
        assertThat(zp.u32(0x238)).isEqualTo(CMDLINE.length() + 1);
        assertThat(zp.u32(0x218)).isEqualTo(initrdAt);
        assertThat(zp.u32(0x21c)).isEqualTo(initrd.length);
        assertThat(zp.u8(0x1ef)).as("sentinel").isZero();
        assertThat(zp.u8(0x1e8)).isEqualTo(3);
        long[][] expected = {{0, 0x9fc00, 1}, {0x9fc00, 0x60400, 2}, {0x100000, RAM_END - 0x100000, 1}};
        for (int i = 0; i < expected.length; i++) {
            int at = 0x2d0 + 20 * i;
            assertThat(new long[] {zp.u64(at), zp.u64(at + 8), zp.u32(at + 16)}).containsExactly(expected[i]);
        }
        assertThat(zp.u64(0x2d0 + 20 * 3)).isZero();
    }

    @Test
    void writesIdentityPageTablesGdtAndMpTable() {
        load(kernel(), Optional.empty(), BootProtocol.LINUX_64);

        assertThat(guest.mem().readU64(0x9000)).isEqualTo(0xa003);
        assertThat(guest.mem().readU64(0x9008)).isZero();
        assertThat(guest.mem().readU64(0xa000)).isEqualTo(0xb003);
        for (int i = 0; i < 512; i++) {
            assertThat(guest.mem().readU64(0xb000 + 8L * i)).isEqualTo(((long) i << 21) | 0x83);
        }
        assertThat(new long[] {guest.mem().readU64(0x500), guest.mem().readU64(0x508), guest.mem().readU64(0x510),
                guest.mem().readU64(0x518)})
                .containsExactly(0, 0x0000_8b00_0000_0067L, 0x00af_9b00_0000_ffffL, 0x00cf_9300_0000_ffffL);
        assertThat(guest.mem().readU64(0x520)).isZero();
        assertThat(guest.mem().read(0x9fc00, MpTable.size(2))).isEqualTo(MpTable.build(2));
    }

    @Test
    void pvhBootsAtTheXenNoteEntryWithStartInfoInRbx() {
        byte[] initrd = pattern(5000, 5);
        byte[] notes = TestImages.concat(TestImages.note("GNU", 3, pattern(20, 6)),
                TestImages.xenPvhNote(KERNEL + 0x4a0));

        BootPlan plan = load(kernel().note(notes), Optional.of(initrd), BootProtocol.PVH);

        assertThat(plan.protocol()).isEqualTo(BootProtocol.PVH);
        assertThat(plan.cpu().entryPoint()).isEqualTo(KERNEL + 0x4a0);
        assertThat(plan.cpu().bootInfoRegister()).isEqualTo(CpuBootState.BootInfoRegister.RBX);
        assertThat(plan.cpu().bootInfoAddress()).isEqualTo(0x6000);
        assertThat(plan.cpu().control()).isEqualTo(new CpuBootState.ControlRegisters(0x11, 0, 0, 0));
        assertThat(plan.cpu().code()).isEqualTo(new Segment(0x10, 0, 0xffff_ffffL, 0xb, 0, true, true, false, true, true));
        assertThat(plan.cpu().data().limit()).isEqualTo(0xffff_ffffL);
        assertThat(plan.cpu().taskRegister().limit()).isEqualTo(0x67);

        Guest.ByteBufferView si = guest.view(0x6000, 56);
        assertThat(si.u32(0)).isEqualTo(0x336e_c578L);
        assertThat(si.u32(4)).isEqualTo(1);
        assertThat(si.u32(8)).isZero();
        assertThat(si.u32(12)).isEqualTo(1);
        assertThat(si.u64(16)).isEqualTo(0x6040);
        assertThat(si.u64(24)).isEqualTo(0x20000);
        assertThat(si.u64(32)).isZero();
        assertThat(si.u64(40)).isEqualTo(0x6100);
        assertThat(si.u32(48)).isEqualTo(3);
        Guest.ByteBufferView mod = guest.view(0x6040, 32);
        long initrdAt = (RAM_END - initrd.length) & -4096L;
        assertThat(new long[] {mod.u64(0), mod.u64(8), mod.u64(16), mod.u64(24)})
                .containsExactly(initrdAt, initrd.length, 0, 0);
        Guest.ByteBufferView memmap = guest.view(0x6100, 3 * 24);
        for (int i = 0; i < 3; i++) {
            E820Entry e = guest.map().e820().get(i);
            assertThat(new long[] {memmap.u64(24 * i), memmap.u64(24 * i + 8), memmap.u32(24 * i + 16),
                    memmap.u32(24 * i + 20)}).containsExactly(e.address(), e.size(), e.type(), 0);
        }
        assertThat(guest.mem().readU64(0x510)).isEqualTo(0x00cf_9b00_0000_ffffL);
        assertThat(guest.mem().readU64(0x9000)).as("no page tables for PVH").isZero();
        assertThat(guest.mem().readU16(0x7000 + 0x1fe)).as("no zero page for PVH").isZero();
    }

    @Test
    void pvhNoteMayHoldAFourByteAddress() {
        byte[] note = TestImages.note("Xen", 18, new byte[] {0x10, 0, 0, 1});

        assertThat(load(kernel().note(note), Optional.empty(), BootProtocol.PVH).cpu().entryPoint()).isEqualTo(0x100_0010);
    }

    @Test
    void linux64IgnoresThePvhNote() {
        BootPlan plan = load(kernel().note(TestImages.xenPvhNote(KERNEL + 8)), Optional.empty(), BootProtocol.LINUX_64);

        assertThat(plan.cpu().entryPoint()).isEqualTo(KERNEL);
    }

    @Test
    void refusesPvhWithoutTheXenNote() {
        Path kernel = TestImages.write(dir, "vmlinux", kernel().note(TestImages.note("GNU", 3, new byte[8])).build());

        assertThatThrownBy(() -> LinuxLoader.load(guest.mem(), guest.map(), kernel, Optional.empty(), "", 1,
                BootProtocol.PVH))
                .isInstanceOf(BootException.class)
                .hasMessage("kernel image " + kernel + ": no Xen PHYS32_ENTRY ELF note, so it cannot boot with PVH"
                        + " (build the kernel with CONFIG_PVH=y)");
    }

    @Test
    void refusesAPvhEntryOutsideTheKernel() {
        Path kernel = TestImages.write(dir, "vmlinux", kernel().note(TestImages.xenPvhNote(0x200_0000)).build());

        assertThatThrownBy(() -> LinuxLoader.load(guest.mem(), guest.map(), kernel, Optional.empty(), "", 1,
                BootProtocol.PVH))
                .hasMessage("kernel image " + kernel + ": PVH entry point 0x2000000 is outside every loadable segment");
    }

    @Test
    void refusesMalformedImagesWithOneLineNamingTheProblem() {
        expectError(elf -> elf.elfClass = 1,
                "32-bit ELF (ELFCLASS32); Panamax boots an ELF64 x86-64 vmlinux or a bzImage");
        expectError(elf -> elf.data = 2, "big-endian ELF; an x86-64 vmlinux is little-endian");
        expectError(elf -> elf.machine = 183, "ELF for machine 183, not x86-64 (62)");
        expectError(elf -> elf.type = 3, "ELF type 3 is not an executable (ET_EXEC); a vmlinux is one");
        expectError(elf -> elf.phentsize = 32, "malformed ELF: program header size 32, expected 56");
        expectError(elf -> elf.entry(0x200_0000), "entry point 0x2000000 is outside every loadable segment");
        expectError(elf -> elf.phdrs.clear(), "malformed ELF: e_phnum 0 (no usable program headers)");
        expectError(elf -> {
            elf.phdrs.clear();
            elf.note(TestImages.xenPvhNote(KERNEL));
        }, "ELF has no loadable (PT_LOAD) segments");
        expectError(elf -> elf.load(0x800_0000, new byte[16], 0x1000),
                "segment 1 at [0x8000000, +0x1000) is outside the guest RAM a kernel may use, [0x100000, 0x4000000)");
        expectError(elf -> elf.load(0x9000, new byte[16], 0x1000),
                "segment 1 at [0x9000, +0x1000) is outside the guest RAM a kernel may use, [0x100000, 0x4000000)");
        expectError(elf -> elf.load(RAM_END - 0x800, new byte[16], 0x1000),
                "segment 1 at [0x3fff800, +0x1000) is outside the guest RAM a kernel may use, [0x100000, 0x4000000)");
        expectError(elf -> elf.load(0x200_0000, new byte[0x20], 0x10),
                "malformed ELF: segment 1 has p_filesz 0x20 > p_memsz 0x10");
    }

    @Test
    void linux64NeedsTheKernelInsideTheIdentityMappedGib() {
        try (Guest big = Guest.ofMib(2048)) {
            Path kernel = TestImages.write(dir, "vmlinux", new TestImages.Elf()
                    .load(0x3ff0_0000, new byte[16], 0x20_0000).entry(0x3ff0_0000).build());

            assertThatThrownBy(() -> LinuxLoader.load(big.mem(), big.map(), kernel, Optional.empty(), "", 1))
                    .hasMessage("kernel image " + kernel
                            + ": occupies guest RAM up to 0x40100000, beyond the first 1 GiB the boot page tables map");
        }
    }

    @Test
    void refusesTruncatedImages() {
        byte[] whole = kernel().build();
        Path header = TestImages.write(dir, "header", Arrays.copyOf(whole, 40));
        assertThatThrownBy(() -> LinuxLoader.load(guest.mem(), guest.map(), header, Optional.empty(), "", 1))
                .hasMessage("kernel image " + header + ": truncated: ELF header needs bytes [0x0, 0x40) but the file is 40 bytes");

        Path phdrs = TestImages.write(dir, "phdrs", Arrays.copyOf(whole, 100));
        assertThatThrownBy(() -> LinuxLoader.load(guest.mem(), guest.map(), phdrs, Optional.empty(), "", 1))
                .hasMessage("kernel image " + phdrs
                        + ": truncated: program headers (1) needs bytes [0x40, 0x78) but the file is 100 bytes");

        Path segment = TestImages.write(dir, "segment", Arrays.copyOf(whole, whole.length - 1));
        assertThatThrownBy(() -> LinuxLoader.load(guest.mem(), guest.map(), segment, Optional.empty(), "", 1))
                .hasMessage("kernel image " + segment + ": truncated: segment 0 needs file bytes [0x80, +0x2000)"
                        + " but the file is " + (whole.length - 1) + " bytes");
    }

    @Test
    void writesNothingWhenTheImageIsBad() {
        Path kernel = TestImages.write(dir, "vmlinux", kernel().load(0x800_0000, new byte[16], 0x1000).build());

        assertThatThrownBy(() -> LinuxLoader.load(guest.mem(), guest.map(), kernel, Optional.empty(), CMDLINE, 1))
                .isInstanceOf(BootException.class);
        assertThat(guest.mem().read(KERNEL, 16)).containsOnly(0);
        assertThat(guest.mem().read(0x20000, 16)).containsOnly(0);
        assertThat(guest.mem().read(0x9fc00, 16)).containsOnly(0);
        assertThat(guest.mem().read(0x7000, 4096)).containsOnly(0);
    }

    private void expectError(Consumer<TestImages.Elf> breakIt, String problem) {
        TestImages.Elf elf = kernel();
        breakIt.accept(elf);
        Path kernel = TestImages.write(dir, "bad-vmlinux", elf.build());
        assertThatThrownBy(() -> LinuxLoader.load(guest.mem(), guest.map(), kernel, Optional.empty(), "", 1))
                .isInstanceOf(BootException.class)
                .hasMessage("kernel image " + kernel + ": " + problem);
    }
}
