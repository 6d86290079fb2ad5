package dev.panamax.it;

import dev.panamax.kvm.testing.BootsLinux;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;

import static dev.panamax.it.GuestSession.drive;
import static org.assertj.core.api.Assertions.assertThat;

/** virtio-blk and virtio-rng as the real guest kernel sees them. */
@BootsLinux
class VirtioDevicesIT {
    @TempDir
    Path tmp;

    private Path copyOfRootfs(String name) throws Exception {
        return Files.copy(TestHost.guestArtifact("rootfs.ext4"), tmp.resolve(name));
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void ext4ImageOnVdaIsMountedAndAKnownFileRead() throws Exception {
        Path image = copyOfRootfs("rootfs.ext4");
        try (GuestSession guest = GuestSession.boot(1, 128, List.of(drive("rootfs", image, true, false)), false)) {
            guest.run("mkdir -p /mnt && mount -t ext4 /dev/vda /mnt && cat /mnt/hello.txt", "hello from ext4");
            guest.run("umount /mnt && echo un''mounted", "unmounted");
            guest.reboot();
        }
    }

    @Test
    void rootDeviceIsMountedAsTheRootFileSystem() throws Exception {
        Path image = copyOfRootfs("root.ext4");
        try (GuestSession guest = GuestSession.bootFromRootDrive(image)) {
            guest.run("grep ' / ' /proc/mounts", "/dev/root / ext4 rw");
            guest.run("cat /hello.txt", "hello from ext4");
            guest.reboot();
        }
    }

    @Test
    void writesSyncedBeforeRebootReachTheHostFile() throws Exception {
        Path image = copyOfRootfs("scratch.ext4");
        String text = "written-by-the-guest";
        try (GuestSession guest = GuestSession.boot(1, 128, List.of(drive("scratch", image, false, false)), false)) {
            // sector 8 onwards lies in the ext4 image's unused boot area: the file system stays intact
            guest.run("printf " + text + " | dd of=/dev/vda bs=512 seek=8 conv=notrunc,fsync 2>/dev/null && sync"
                    + " && echo wr''ote", "wrote");
            guest.reboot();
        }
        byte[] onHost = Arrays.copyOfRange(Files.readAllBytes(image), 4096, 4096 + text.length());
        assertThat(new String(onHost, StandardCharsets.US_ASCII)).isEqualTo(text);
    }

    @Test
    void readOnlyDriveRefusesWritesAndTheFileIsUnchanged() throws Exception {
        Path image = copyOfRootfs("readonly.ext4");
        String before = sha256(image);
        try (GuestSession guest = GuestSession.boot(1, 128, List.of(drive("ro", image, false, true)), false)) {
            guest.run("cat /sys/block/vda/ro", "(?m)^1\\s*$");
            Matcher m = guest.run("echo x | dd of=/dev/vda bs=512 seek=8 conv=fsync; echo dd-status=$?",
                    "dd-status=(\\d+)\\r?\\n");
            assertThat(m.group(1)).isNotEqualTo("0");
            guest.run("mkdir -p /mnt && mount -t ext4 -o ro /dev/vda /mnt && cat /mnt/hello.txt", "hello from ext4");
            guest.reboot();
        }
        assertThat(sha256(image)).isEqualTo(before);
    }

    @Test
    void twoDrivesAppearInOrderWithTheirSizes() throws Exception {
        Path first = copyOfRootfs("first.ext4");
        Path second = Files.write(tmp.resolve("second.img"), new byte[3 * 1024 * 1024]);
        try (GuestSession guest = GuestSession.boot(1, 128,
                List.of(drive("first", first, true, false), drive("second", second, false, false)), false)) {
            Matcher m = guest.run("echo sizes $(cat /sys/block/vda/size) $(cat /sys/block/vdb/size)",
                    "sizes (\\d+) (\\d+)\\r?\\n");
            assertThat(Long.parseLong(m.group(1))).isEqualTo(Files.size(first) / 512);
            assertThat(Long.parseLong(m.group(2))).isEqualTo(3 * 2048);
            guest.reboot();
        }
    }

    @Test
    void hwrngYieldsRandomBytes() throws Exception {
        try (GuestSession guest = GuestSession.boot(1, 128, List.of(), true)) {
            guest.run("cat /sys/class/misc/hw_random/rng_current", "virtio_rng");
            Matcher m = guest.run("echo rng $(head -c 32 /dev/hwrng | od -An -tx1 | tr -d ' \\n')",
                    "rng ([0-9a-f]{64})");
            assertThat(m.group(1)).isNotEqualTo("0".repeat(64));
            guest.reboot();
        }
    }
}
