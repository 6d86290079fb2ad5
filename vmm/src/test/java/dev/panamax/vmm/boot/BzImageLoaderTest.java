package dev.panamax.vmm.boot;

import dev.panamax.vcpu.Segment;
import static dev.panamax.vmm.boot.TestImages.pattern;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.panamax.memory.GuestMemory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BzImageLoaderTest {
    private static final long RAM_END = 64L << 20;

    @TempDir
    Path dir;

    private final Guest guest = Guest.ofMib(64);

    @AfterEach
    void close() {
        guest.close();
    }

    private BootPlan load(TestImages.BzImage image, Optional<byte[]> initrd, String cmdline) {
        Path kernel = TestImages.write(dir, "bzImage", image.build());
        return LinuxLoader.load(guest.mem(), guest.map(), kernel, initrd.map(b -> TestImages.write(dir, "initrd", b)),
                cmdline, 1);
    }

    @Test
    void loadsTheProtectedModeKernelAtOneMibAndEntersAt0x200() {
        TestImages.BzImage image = new TestImages.BzImage();

        BootPlan plan = load(image, Optional.empty(), "console=ttyS0");

        assertThat(guest.mem().read(0x10_0000, image.payload.length)).isEqualTo(image.payload);
        assertThat(plan.protocol()).isEqualTo(BootProtocol.LINUX_64);
        assertThat(plan.cpu().entryPoint()).isEqualTo(0x10_0200);
        assertThat(plan.cpu().bootInfoAddress()).isEqualTo(0x7000);
        // Relocatable: decompresses at max(align_up(1 MiB, 2 MiB), pref_address) for init_size bytes.
        assertThat(plan.kernel()).isEqualTo(new GuestMemory.Range(0x10_0000, 0x140_0000 - 0x10_0000));
    }

    @Test
    void copiesTheSetupHeaderIntoBootParamsAndFillsTheLoaderFields() {
        TestImages.BzImage image = new TestImages.BzImage();
        byte[] file = image.build();
        byte[] initrd = pattern(8192, 9);

        BootPlan plan = load(image, Optional.of(initrd), "console=ttyS0");

        byte[] zeroPage = guest.mem().read(0x7000, 4096);
        Guest.ByteBufferView zp = guest.view(0x7000, 4096);
        long initrdAt = RAM_END - 8192;
        assertThat(plan.initrd()).contains(new GuestMemory.Range(initrdAt, 8192));
        assertThat(zp.u8(0x1f1)).isEqualTo(4);
        assertThat(zp.u16(0x206)).isEqualTo(0x020f);
        assertThat(zp.u32(0x238)).as("the kernel's own cmdline_size").isEqualTo(2047);
        assertThat(zp.u64(0x258)).isEqualTo(0x100_0000);
        assertThat(zp.u32(0x260)).isEqualTo(0x40_0000);
        assertThat(zp.u8(0x210)).isEqualTo(0xff);
        assertThat(zp.u8(0x211)).isEqualTo(0x81);
        assertThat(zp.u32(0x228)).isEqualTo(0x20000);
        assertThat(zp.u32(0x218)).isEqualTo(initrdAt);
        assertThat(zp.u32(0x21c)).isEqualTo(8192);
        assertThat(zp.u8(0x1e8)).isEqualTo(3);
        // Every header byte the loader does not own is the file's.
        for (int at = 0x1f1; at < 0x26c; at++) {
            boolean loaderField = at == 0x210 || at == 0x211 || (at >= 0x218 && at < 0x220)
                    || (at >= 0x224 && at < 0x22c);
            if (!loaderField) {
                assertThat(zeroPage[at]).as("boot_params[0x%x]", at).isEqualTo(file[at]);
            }
        }
        assertThat(Arrays.copyOfRange(zeroPage, 0x26c, 0x2d0)).containsOnly(0);
    }

    @Test
    void setupSectsZeroMeansFour() {
        TestImages.BzImage image = new TestImages.BzImage();
        image.setupSects = 0;

        load(image, Optional.empty(), "");

        assertThat(guest.mem().read(0x10_0000, image.payload.length)).isEqualTo(image.payload);
    }

    @Test
    void initrdStaysBelowInitrdAddrMaxUnlessTheKernelTakesItAnywhere() {
        TestImages.BzImage image = new TestImages.BzImage();
        image.initrdAddrMax = 0x2ff_ffff;

        assertThat(load(image, Optional.of(new byte[5000]), "").initrd())
                .contains(new GuestMemory.Range((0x300_0000 - 5000) & -4096L, 5000));

        image.xloadflags |= 0x02; // XLF_CAN_BE_LOADED_ABOVE_4G
        assertThat(load(image, Optional.of(new byte[5000]), "").initrd())
                .contains(new GuestMemory.Range((RAM_END - 5000) & -4096L, 5000));
    }

    @Test
    void fixedKernelDecompressesAtPrefAddress() {
        TestImages.BzImage image = new TestImages.BzImage();
        image.relocatable = false;
        image.prefAddress = 0x200_0000;

        assertThat(load(image, Optional.empty(), "").kernel())
                .isEqualTo(new GuestMemory.Range(0x10_0000, 0x240_0000 - 0x10_0000));
    }

    @Test
    void relocatableKernelWithoutPrefAddressDecompressesAtTheAlignedLoadAddress() {
        TestImages.BzImage image = new TestImages.BzImage();
        image.prefAddress = 0;

        assertThat(load(image, Optional.empty(), "").kernel())
                .isEqualTo(new GuestMemory.Range(0x10_0000, 0x60_0000 - 0x10_0000));
    }

    @Test
    void commandLineIsLimitedByTheKernelsCmdlineSize() {
        TestImages.BzImage image = new TestImages.BzImage();
        image.cmdlineSize = 16;
        Path kernel = TestImages.write(dir, "bzImage", image.build());

        LinuxLoader.load(guest.mem(), guest.map(), kernel, Optional.empty(), "x".repeat(16), 1);
        assertThatThrownBy(() -> LinuxLoader.load(guest.mem(), guest.map(), kernel, Optional.empty(), "x".repeat(17), 1))
                .isInstanceOf(BootException.class)
                .hasMessage("kernel command line is 17 bytes, more than the 16 that kernel image " + kernel + " accepts");
    }

    @Test
    void refusesBadHeaders() {
        expectError(i -> i.version = 0x020b,
                "bzImage boot protocol 2.11 is older than 2.12, the first with a 64-bit entry point");
        expectError(i -> i.xloadflags = 0,
                "bzImage has no 64-bit entry point (XLF_KERNEL_64 clear in xloadflags)");
        expectError(i -> i.loadflags = 0, "loads below 1 MiB (LOADED_HIGH clear): a zImage, not a bzImage");
        expectError(i -> i.headerEnd = 0x250, "malformed bzImage: setup header ends at 0x250, outside [0x264, 0x290]");
        expectError(i -> i.kernelAlignment = 0x30_0000,
                "malformed bzImage: kernel_alignment 0x300000 is not a power of two");
        expectError(i -> i.payload = new byte[0],
                "truncated: no protected-mode kernel after the 2560 bytes of setup code");
        expectError(i -> i.prefAddress = 0x3e0_0000,
                "needs guest RAM [0x3e00000, +0x400000) to decompress (pref_address, init_size) but low RAM ends at 0x4000000");
    }

    @Test
    void refusesAKernelBiggerThanRam() throws IOException {
        TestImages.BzImage image = new TestImages.BzImage();
        Path kernel = TestImages.write(dir, "bzImage", image.build());
        try (RandomAccessFile f = new RandomAccessFile(kernel.toFile(), "rw")) {
            f.setLength(image.setupSize() + RAM_END); // sparse: no need to write 64 MiB
        }

        assertThatThrownBy(() -> LinuxLoader.load(guest.mem(), guest.map(), kernel, Optional.empty(), "", 1))
                .hasMessage("kernel image " + kernel
                        + ": protected-mode kernel of 67108864 bytes does not fit in guest RAM [0x100000, 0x4000000)");
    }

    @Test
    void refusesATruncatedSetupHeader() {
        byte[] file = Arrays.copyOf(new TestImages.BzImage().build(), 0x210);
        Path kernel = TestImages.write(dir, "bzImage", file);

        assertThatThrownBy(() -> LinuxLoader.load(guest.mem(), guest.map(), kernel, Optional.empty(), "", 1))
                .hasMessage("kernel image " + kernel + ": truncated: setup header needs bytes [0x0, 0x26c) but the file is 528 bytes");
    }

    @Test
    void refusesPvhForABzImage() {
        Path kernel = TestImages.write(dir, "bzImage", new TestImages.BzImage().build());

        assertThatThrownBy(() -> LinuxLoader.load(guest.mem(), guest.map(), kernel, Optional.empty(), "", 1,
                BootProtocol.PVH))
                .hasMessage("kernel image " + kernel
                        + ": is a bzImage; PVH boot needs an ELF vmlinux with a Xen PHYS32_ENTRY note");
    }

    private void expectError(Consumer<TestImages.BzImage> breakIt, String problem) {
        TestImages.BzImage image = new TestImages.BzImage();
        breakIt.accept(image);
        Path kernel = TestImages.write(dir, "bad-bzImage", image.build());
        assertThatThrownBy(() -> LinuxLoader.load(guest.mem(), guest.map(), kernel, Optional.empty(), "", 1))
                .isInstanceOf(BootException.class)
                .hasMessage("kernel image " + kernel + ": " + problem);
    }
}
