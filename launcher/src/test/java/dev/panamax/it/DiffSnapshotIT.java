package dev.panamax.it;

import dev.panamax.kvm.testing.BootsLinux;
import dev.panamax.memory.MemoryDiff;
import dev.panamax.vmm.Console;
import dev.panamax.vmm.MicroVm;
import dev.panamax.vmm.SnapshotType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;

import static dev.panamax.it.SnapshotChecks.line;
import static dev.panamax.it.SnapshotChecks.mkfs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Diff snapshots of the real test guest (issue 14). A guest booted with dirty-page tracking and a
 * data drive is snapshotted Full, goes on (a new shell variable, a file written and synced), and
 * is snapshotted again at one pause as a Diff and as a Full. The Diff's memory file is as large as
 * RAM but allocates only a small part of it; applied over a copy of the base's memory file it is
 * byte for byte the Full one; and the Diff's state with the rebased memory restores a guest that
 * has the state of the Diff's point.
 */
@BootsLinux
class DiffSnapshotIT {
    private static final long MEM_MIB = 128;

    @TempDir
    Path dir;

    @Test
    void aDiffOverItsBaseIsTheFullSnapshotOfItsPoint() throws Exception {
        Path image = dir.resolve("data.ext4");
        mkfs(image);
        Path baseState = dir.resolve("base.snap");
        Path baseMemory = dir.resolve("base.mem");
        Path diffState = dir.resolve("diff.snap");
        Path diffMemory = dir.resolve("diff.mem");
        Path fullState = dir.resolve("full.snap");
        Path fullMemory = dir.resolve("full.mem");
        try (GuestSession guest = GuestSession.bootTrackingDirtyPages(1, MEM_MIB,
                List.of(GuestSession.drive("data", image, false, false)))) {
            guest.run("mkdir -p /mnt && mount /dev/vda /mnt && echo mounted-ok", line("mounted-ok"));
            guest.run("BASE=at-base; echo set-$BASE", "set-at-base");
            MicroVm vm = guest.vm();
            vm.pause();
            assertThatThrownBy(() -> vm.snapshot(diffState, diffMemory, SnapshotType.DIFF))
                    .hasMessage("cannot take a Diff snapshot: this VM has no earlier snapshot to be a diff of"
                            + " (take a Full one first)");
            vm.snapshot(baseState, baseMemory, SnapshotType.FULL);
            vm.resume();

            guest.run("DIFF=at-diff; echo set-$DIFF", "set-at-diff");
            guest.run("echo written-after-base > /mnt/b && sync && echo synced-ok", line("synced-ok"));
            vm.pause();
            vm.snapshot(diffState, diffMemory, SnapshotType.DIFF);
            vm.snapshot(fullState, fullMemory, SnapshotType.FULL); // the same pause: the same memory
        }

        long ram = MEM_MIB << 20;
        assertThat(Files.size(diffMemory)).isEqualTo(ram);
        long allocated = allocatedBytes(diffMemory);
        System.out.printf("[diff] diff memory file: %d bytes allocated of %d (%.1f%%)%n", allocated, ram,
                100.0 * allocated / ram);
        assertThat(allocated).as("the diff's allocated bytes").isPositive().isLessThan(ram / 8);

        Path rebased = dir.resolve("rebased.mem");
        Files.copy(baseMemory, rebased);
        long copied = MemoryDiff.rebase(rebased, diffMemory);
        System.out.printf("[diff] rebase copied %d bytes%n", copied);
        assertThat(Files.mismatch(rebased, fullMemory)).as("first byte where the rebased memory differs from the Full")
                .isEqualTo(-1L);

        GuestConsole console = new GuestConsole();
        MicroVm restored = MicroVm.restore(diffState, rebased, new Console(Optional.of(console.input()), console), true);
        try {
            console.type("echo \"$BASE/$DIFF\":vars; cat /mnt/b; echo restored > /mnt/c && sync && cat /mnt/c");
            Matcher vars = console.await(line("at-base/at-diff:vars"), 0, GuestSession.TIMEOUT);
            Matcher file = console.await(line("written-after-base"), vars.end(), GuestSession.TIMEOUT);
            console.await(line("restored"), file.end(), GuestSession.TIMEOUT);
            restored.pause();
            // restored without track_dirty_pages: no diff of it
            assertThatThrownBy(() -> restored.snapshot(dir.resolve("x.snap"), dir.resolve("x.mem"), SnapshotType.DIFF))
                    .hasMessage("cannot take a Diff snapshot: dirty pages are not tracked"
                            + " (machine-config track_dirty_pages, or track_dirty_pages of snapshot/load)");
        } finally {
            restored.close();
        }
    }

    /** What {@code file} takes on disk: {@code stat}'s blocks times its block unit. */
    private static long allocatedBytes(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0).as("stat: %s", out).isTrue();
        String[] parts = out.split(" ");
        return Long.parseLong(parts[0]) * Long.parseLong(parts[1]);
    }
}
