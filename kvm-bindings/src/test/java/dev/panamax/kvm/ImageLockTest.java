package dev.panamax.kvm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageLockTest {
    @TempDir
    Path dir;

    private String inUse(Path image) {
        return "disk image " + image + ": in use by another VM (a writable drive needs the image to itself; "
                + "read-only drives can share it)";
    }

    @Test
    void aWriterExcludesEveryoneAndReadersShare() throws IOException {
        Path image = Files.write(dir.resolve("disk.img"), new byte[4096]);
        try (ImageLock writer = ImageLock.acquire(image, true)) {
            assertThatThrownBy(() -> ImageLock.acquire(image, true)).isInstanceOf(ImageLockException.class)
                    .hasMessage(inUse(image));
            assertThatThrownBy(() -> ImageLock.acquire(image, false)).hasMessage(inUse(image));
        }
        try (ImageLock reader = ImageLock.acquire(image, false); ImageLock another = ImageLock.acquire(image, false)) {
            assertThatThrownBy(() -> ImageLock.acquire(image, true)).hasMessage(inUse(image));
        }
        ImageLock.acquire(image, true).close(); // closing released every lock
        assertThat(Files.readAllBytes(image)).isEqualTo(new byte[4096]);
    }

    @Test
    void anotherProcessesRecordLockConflictsToo() throws Exception {
        Path image = Files.write(dir.resolve("disk.img"), new byte[4096]);
        // flock(1) -x takes a BSD lock, which record locks ignore; a second JVM holding an ImageLock
        // stands in for another VMM (QEMU's locks are OFD record locks too)
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                HoldImage.class.getName(), image.toString()).redirectErrorStream(true).start();
        try {
            assertThat(new String(holder.getInputStream().readNBytes(7))).isEqualTo("locked\n");
            assertThatThrownBy(() -> ImageLock.acquire(image, false)).hasMessage(inUse(image));
        } finally {
            holder.destroy();
            holder.waitFor();
        }
        ImageLock.acquire(image, true).close();
    }

    @Test
    void aMissingImageIsNamed() {
        Path missing = dir.resolve("none.img");
        assertThatThrownBy(() -> ImageLock.acquire(missing, false))
                .hasMessageStartingWith("disk image " + missing + ": cannot open to lock it: ");
    }

    /** The other process: holds a writable lock on the image until it is ended. */
    static final class HoldImage {
        public static void main(String[] args) throws Exception {
            try (ImageLock held = ImageLock.acquire(Path.of(args[0]), true)) {
                System.out.println("locked");
                System.out.flush();
                Thread.sleep(60_000);
            }
        }
    }
}
