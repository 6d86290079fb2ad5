package dev.panamax.memory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemoryImageTest {
    private static final List<GuestMemory.Range> RANGES = List.of(
            new GuestMemory.Range(0x1_0000_0000L, 16 * 1024), new GuestMemory.Range(0, 64 * 1024));

    @Test
    void aPrivateCopyOfAFileImageSeesItsBytesAndNeverWritesIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mem");
        try (GuestMemory original = GuestMemory.anonymous(RANGES)) {
            original.writeU64(0x100, 0x1122_3344_5566_7788L);
            original.writeU32(0x1_0000_0000L + 4, 0xCAFE);
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                original.writeTo(out);
            }
        }
        byte[] before = Files.readAllBytes(file);
        assertThat(before).hasSize(80 * 1024);
        try (MemoryImage image = MemoryImage.open(file); GuestMemory copy = GuestMemory.privateCopy(RANGES, image)) {
            assertThat(copy.readU64(0x100)).isEqualTo(0x1122_3344_5566_7788L);
            assertThat(copy.readU32(0x1_0000_0000L + 4)).isEqualTo(0xCAFE);
            copy.writeU64(0x100, 7);
            assertThat(copy.readU64(0x100)).isEqualTo(7);
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void anInMemoryImageGivesEachCopyItsOwnPages() {
        try (GuestMemory original = GuestMemory.anonymous(RANGES)) {
            original.writeU64(0x2000, 42);
            try (MemoryImage image = MemoryImage.copyOf(original)) {
                original.writeU64(0x2000, 43); // the image is a copy, not a view
                try (GuestMemory a = GuestMemory.privateCopy(RANGES, image);
                     GuestMemory b = GuestMemory.privateCopy(RANGES, image)) {
                    a.writeU64(0x2000, 1);
                    assertThat(b.readU64(0x2000)).isEqualTo(42);
                    assertThat(a.readU64(0x2000)).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void anImageOfAnotherSizeIsRefusedNamingBothSizes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("short");
        Files.write(file, new byte[4096]);
        try (MemoryImage image = MemoryImage.open(file)) {
            assertThatThrownBy(() -> GuestMemory.privateCopy(RANGES, image))
                    .hasMessage("memory image " + file + " holds 4096 bytes, the guest's RAM is 81920");
        }
    }
}
