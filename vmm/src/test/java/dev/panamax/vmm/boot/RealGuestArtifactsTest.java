package dev.panamax.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Loads the kernels scripts/build-guest.sh produces, when they are there: tests run in the vmm
 * module directory, so they are at ../build/guest. Skipped, not failed, without them.
 */
class RealGuestArtifactsTest {
    private static final Path GUEST = Path.of("..", "build", "guest");
    private static final Path VMLINUX = GUEST.resolve("vmlinux");
    private static final Path BZIMAGE = GUEST.resolve("bzImage");
    private static final Path INITRAMFS = GUEST.resolve("initramfs.cpio.gz");
    private static final String CMDLINE = "console=ttyS0 reboot=k panic=1";

    private final Guest guest = Guest.ofMib(256);

    @AfterEach
    void close() {
        guest.close();
    }

    private static Optional<Path> initramfs() {
        return Optional.of(INITRAMFS).filter(Files::isRegularFile);
    }

    @Test
    void vmlinuxLoadsForTheLinux64Protocol() {
        assertThat(VMLINUX).as("the guest artifact (scripts/test builds it with scripts/build-guest.sh)").isRegularFile();

        BootPlan plan = LinuxLoader.load(guest.mem(), guest.map(), VMLINUX, initramfs(), CMDLINE, 2);

        long kernelEnd = plan.kernel().guestAddress() + plan.kernel().size();
        assertThat(plan.cpu().entryPoint()).isBetween(plan.kernel().guestAddress(), kernelEnd - 1);
        assertThat(plan.cpu().entryPoint()).isGreaterThanOrEqualTo(MemoryMap.HIMEM_START).isLessThan(guest.map().lowRamEnd());
        assertThat(kernelEnd).isLessThanOrEqualTo(IdentityPageTables.MAPPED_BYTES);
        plan.initrd().ifPresent(r -> assertThat(r.guestAddress()).isGreaterThanOrEqualTo(kernelEnd));
        assertThat(guest.mem().readU16(MemoryMap.ZERO_PAGE_START + 0x1fe)).isEqualTo((short) 0xaa55);
    }

    @Test
    void vmlinuxHasAPvhEntryAndLoadsForPvh() {
        assertThat(VMLINUX).as("the guest artifact (scripts/test builds it with scripts/build-guest.sh)").isRegularFile();

        BootPlan plan = LinuxLoader.load(guest.mem(), guest.map(), VMLINUX, initramfs(), CMDLINE, 2, BootProtocol.PVH);

        assertThat(plan.protocol()).isEqualTo(BootProtocol.PVH);
        assertThat(plan.cpu().entryPoint()).isBetween(plan.kernel().guestAddress(),
                plan.kernel().guestAddress() + plan.kernel().size() - 1);
        assertThat(plan.cpu().entryPoint()).isLessThan(1L << 32);
        assertThat(guest.mem().readU32(MemoryMap.PVH_START_INFO)).isEqualTo(PvhStartInfo.MAGIC);
        assertThat(guest.mem().readU32(MemoryMap.PVH_START_INFO + 12)).isEqualTo(initramfs().isPresent() ? 1 : 0);
    }

    @Test
    void bzImageSpeaksProtocol212AndLoadsAtOneMib() throws IOException {
        assertThat(BZIMAGE).as("the guest artifact (scripts/test builds it with scripts/build-guest.sh)").isRegularFile();
        byte[] file = Files.readAllBytes(BZIMAGE);
        ByteBuffer header = TestImages.le(file);
        assertThat(Short.toUnsignedInt(header.getShort(0x206))).isGreaterThanOrEqualTo(0x020c);
        assertThat(header.getShort(0x236) & 1).as("XLF_KERNEL_64").isEqualTo(1);

        BootPlan plan = LinuxLoader.load(guest.mem(), guest.map(), BZIMAGE, initramfs(), CMDLINE, 2);

        assertThat(plan.cpu().entryPoint()).isEqualTo(0x10_0200);
        int setupSects = file[0x1f1] == 0 ? 4 : Byte.toUnsignedInt(file[0x1f1]);
        int setupSize = (setupSects + 1) * 512;
        assertThat(guest.mem().read(0x10_0000, 4096)).isEqualTo(Arrays.copyOfRange(file, setupSize, setupSize + 4096));
        assertThat(guest.mem().readU16(MemoryMap.ZERO_PAGE_START + 0x206)).isEqualTo(header.getShort(0x206));
        assertThat(guest.mem().readU32(MemoryMap.ZERO_PAGE_START + 0x228)).isEqualTo((int) MemoryMap.CMDLINE_START);
        plan.initrd().ifPresent(r -> assertThat(r.guestAddress() + r.size())
                .isLessThanOrEqualTo(Integer.toUnsignedLong(header.getInt(0x22c)) + 1));
    }
}
