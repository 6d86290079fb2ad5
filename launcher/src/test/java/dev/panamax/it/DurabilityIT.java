package dev.panamax.it;

import dev.panamax.kvm.testing.BootsLinux;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Data the guest saw acknowledged survives the VMM's SIGKILL. The guest appends numbered
 * records to a file on an ext4 data disk and prints {@code ACK n} after each one's fsync returned
 * (buffered writes with fsync, or O_DIRECT writes with fsync, alternating by round); the test
 * kills the launcher process with SIGKILL after a random number of acknowledgements, then
 * recovers the journal as a mount would ({@code e2fsck -p}), checks the file system with
 * {@code e2fsck -fn}, and finds every acknowledged record in the image. Rounds:
 * {@code -Dpanamax.durability.rounds} (default 4, two of each kind; the issue's 20 on request).
 */
@BootsLinux
class DurabilityIT {
    private static final Pattern ACK = Pattern.compile("^ACK (\\d+)\\r?$");
    /** Marks the end of the console, in the reader's queue. */
    private static final String END = new String("end of console");
    private static final int ROUNDS = Integer.getInteger("panamax.durability.rounds", 4);
    // The kernel command line carries these to init: no quotes inside them.
    /** Appends "recN" lines, fsync after each (dd conv=fsync), forever. */
    private static final String BUFFERED = "mkdir -p /mnt && mount /dev/vda /mnt && i=0 && while true; do i=$((i+1)); "
            + "echo rec$i | dd of=/mnt/log oflag=append conv=notrunc,fsync status=none && echo ACK $i; done";
    /** Writes "recN", space-padded, into 512-byte block N with O_DIRECT, fsync after each, forever. */
    private static final String DIRECT = "mkdir -p /mnt && mount /dev/vda /mnt && i=0 && while true; do i=$((i+1)); "
            + "printf %-512s rec$i | dd of=/mnt/log bs=512 seek=$i count=1 oflag=direct "
            + "conv=notrunc,fsync status=none && echo ACK $i; done";

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedRecordSurvivesSigkillAndTheFileSystemIsClean() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        System.out.println("[durability] seed " + seed + ", " + ROUNDS + " rounds");
        Path image = dir.resolve("data.ext4");
        run(dir, "mkfs.ext4", "-q", "-F", image.toString(), "32M");
        for (int round = 1; round <= ROUNDS; round++) {
            boolean direct = round % 2 == 0;
            if (direct) { // O_DIRECT rounds write blocks in place: start each from an empty file system
                run(dir, "mkfs.ext4", "-q", "-F", image.toString(), "32M");
            }
            int target = 1 + random.nextInt(40);
            int acked = bootWriteAndKill(image, direct ? DIRECT : BUFFERED, target);
            assertThat(acked).as("round %d: acknowledged records", round).isGreaterThanOrEqualTo(target);
            int preen = run(dir, "e2fsck", "-fp", image.toString());
            assertThat(preen).as("round %d: e2fsck -p (journal recovery) exit status", round).isLessThanOrEqualTo(1);
            assertThat(run(dir, "e2fsck", "-fn", image.toString())).as("round %d: e2fsck -fn", round).isZero();
            Path log = dir.resolve("log-" + round);
            run(dir, "debugfs", "-R", "dump /log " + log, image.toString());
            String content = Files.readString(log, StandardCharsets.ISO_8859_1);
            List<Integer> missing = new ArrayList<>();
            for (int n = 1; n <= acked; n++) {
                if (!content.contains("rec" + n + (direct ? " " : "\n"))) {
                    missing.add(n);
                }
            }
            System.out.printf("[durability] round %d (%s): killed after %d acknowledged records, all on disk: %s%n",
                    round, direct ? "O_DIRECT" : "buffered+fsync", acked, missing.isEmpty());
            assertThat(missing).as("round %d: acknowledged records missing from the image", round).isEmpty();
        }
    }

    /** Boots the launcher on {@code image}, waits for {@code target} acknowledgements, SIGKILLs it. */
    private int bootWriteAndKill(Path image, String writer, int target) throws Exception {
        List<String> command = new ArrayList<>(TestHost.launcherCommand(List.of()));
        command.addAll(List.of(
                "--kernel", TestHost.guestArtifact("bzImage").toString(),
                "--initrd", TestHost.guestArtifact("initramfs.cpio.gz").toString(),
                "--drive", image.toString(),
                "--append", GuestSession.QUIET + " pmx_cmd=\"" + writer + "\""));
        Process vmm = new ProcessBuilder(command).redirectError(dir.resolve("vmm.err").toFile()).start();
        vmm.getOutputStream().close();
        // A reader thread, so that a silent guest cannot block the test past its deadline.
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofPlatform().name("durability-console").daemon().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(vmm.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process was killed
            }
            lines.add(END);
        });
        int acked = 0;
        StringBuilder console = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (acked < target) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || line == END) {
                break;
            }
            console.append(line).append('\n');
            acked = ackIn(line, acked);
        }
        vmm.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no flush
        assertThat(vmm.waitFor(30, TimeUnit.SECONDS)).isTrue();
        reader.join(TimeUnit.SECONDS.toMillis(30));
        // lines already in the pipe before the kill were acknowledged too
        for (String line; (line = lines.poll()) != null && line != END; ) {
            acked = ackIn(line, acked);
        }
        assertThat(acked).as("console:\n%s\nstderr:\n%s", console, Files.readString(dir.resolve("vmm.err")))
                .isGreaterThanOrEqualTo(target);
        return acked;
    }

    private static int ackIn(String line, int acked) {
        Matcher m = ACK.matcher(line);
        return m.matches() ? Integer.parseInt(m.group(1)) : acked;
    }

    private static int run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", List.of(command)).isTrue();
        return p.exitValue();
    }
}
