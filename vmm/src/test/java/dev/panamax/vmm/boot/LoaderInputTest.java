package dev.panamax.vmm.boot;

import static dev.panamax.vmm.boot.TestImages.pattern;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.panamax.memory.GuestMemory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad files, command lines and machine shapes, whatever the kernel format. */
class LoaderInputTest {
    @TempDir
    Path dir;

    private final Guest guest = Guest.ofMib(64);

    @AfterEach
    void close() {
        guest.close();
    }

    private Path goodKernel() {
        return TestImages.write(dir, "vmlinux", new TestImages.Elf().load(0x100_0000, pattern(0x1000, 1), 0x1000).build());
    }

    private ThrowingCallable load(Path kernel, Optional<Path> initrd, String cmdline, int vcpus) {
        return () -> LinuxLoader.load(guest.mem(), guest.map(), kernel, initrd, cmdline, vcpus);
    }

    private static void expect(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(BootException.class).hasMessage(message).message().doesNotContain("\n");
    }

    @Test
    void refusesKernelFilesThatAreNotKernels() {
        Path missing = dir.resolve("nope");
        expect(load(missing, Optional.empty(), "", 1), "kernel image " + missing + ": no such file");
        expect(load(dir, Optional.empty(), "", 1), "kernel image " + dir + ": is a directory, not a file");
        Path empty = TestImages.write(dir, "empty", new byte[0]);
        expect(load(empty, Optional.empty(), "", 1), "kernel image " + empty + ": is empty");
        Path tiny = TestImages.write(dir, "tiny", new byte[] {0x7f, 'E'});
        expect(load(tiny, Optional.empty(), "", 1), "kernel image " + tiny + ": not an ELF64 x86-64 executable or bzImage");
        Path text = TestImages.write(dir, "text", pattern(4096, 7));
        expect(load(text, Optional.empty(), "", 1), "kernel image " + text + ": not an ELF64 x86-64 executable or bzImage");
        Path noHdrS = TestImages.write(dir, "bootsector", TestImages.le(new byte[1024]).putShort(0x1fe, (short) 0xaa55).array());
        expect(load(noHdrS, Optional.empty(), "", 1), "kernel image " + noHdrS + ": not an ELF64 x86-64 executable or bzImage");
    }

    @Test
    void refusesBadInitrds() throws IOException {
        Path kernel = goodKernel();
        Path missing = dir.resolve("missing.cpio");
        expect(load(kernel, Optional.of(missing), "", 1), "initrd " + missing + ": no such file");
        Path empty = TestImages.write(dir, "empty.cpio", new byte[0]);
        expect(load(kernel, Optional.of(empty), "", 1), "initrd " + empty + ": is empty");

        Path huge = dir.resolve("huge.cpio");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(60L << 20); // sparse
        }
        expect(load(kernel, Optional.of(huge), "", 1), "initrd " + huge
                + ": 60.0 MiB does not fit in guest RAM between the kernel's end 0x1001000 and 0x4000000 (48.0 MiB free)");
    }

    @Test
    void initrdMayFillAllRamAboveTheKernel() throws IOException {
        Path kernel = goodKernel();
        Path initrd = dir.resolve("initrd");
        try (RandomAccessFile f = new RandomAccessFile(initrd.toFile(), "rw")) {
            f.setLength((64L << 20) - 0x100_1000);
        }

        BootPlan plan = LinuxLoader.load(guest.mem(), guest.map(), kernel, Optional.of(initrd), "", 1);

        assertThat(plan.initrd()).contains(new GuestMemory.Range(0x100_1000, (64L << 20) - 0x100_1000));
    }

    @Test
    void commandLineMustFitAndHaveNoNul() {
        Path kernel = goodKernel();
        LinuxLoader.load(guest.mem(), guest.map(), kernel, Optional.empty(), "a".repeat(4095), 1);
        assertThat(guest.mem().readU8(0x20000 + 4095)).isZero();

        expect(load(kernel, Optional.empty(), "a".repeat(4096), 1),
                "kernel command line is 4096 bytes, more than the 4095 that kernel image " + kernel + " accepts");
        expect(load(kernel, Optional.empty(), "root=/dev/vda\0init=/bin/sh", 1),
                "kernel command line contains a NUL character");
    }

    @Test
    void vcpuCountMustFitTheMpTable() {
        Path kernel = goodKernel();
        LinuxLoader.load(guest.mem(), guest.map(), kernel, Optional.empty(), "", 32);

        expect(load(kernel, Optional.empty(), "", 0),
                "vCPU count 0 is not in 1..37, the most the MP table at [0x9fc00, 0xa0000) can describe");
        expect(load(kernel, Optional.empty(), "", 64),
                "vCPU count 64 is not in 1..37, the most the MP table at [0x9fc00, 0xa0000) can describe");
    }

    @Test
    void guestMemoryMustBackTheMap() {
        try (GuestMemory small = GuestMemory.anonymous(List.of(new GuestMemory.Range(0, 16L << 20)))) {
            assertThatThrownBy(() -> LinuxLoader.load(small, guest.map(), goodKernel(), Optional.empty(), "", 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("does not back [0x0, +0x4000000)");
        }
    }
}
