package dev.panamax.it;

import dev.panamax.kvm.testing.BootsLinux;
import dev.panamax.vcpu.StopReason;
import dev.panamax.vmm.MicroVm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hostile guest against the VMM: the test guest runs {@code pmx-hostile} (scripts/guest),
 * which for {@code -Dpanamax.hostile.seconds} (default 60, the issue's) writes
 * random values to the virtio-mmio registers of the attacked drive (/dev/vda) and the entropy
 * device, points their rings at random memory it keeps scribbling over, and writes random I/O
 * ports and empty MMIO space, sparing the second drive (/dev/vdb) and the console. The VMM must
 * survive (the VM goes on and answers pause and resume) or stop the VM with a reason, within
 * bounded waits; no thread may die of an exception; and the spared drive's image must be
 * unchanged, byte for byte.
 */
@BootsLinux
class HostileGuestIT {
    private static final int SECONDS = Integer.getInteger("panamax.hostile.seconds", 60);
    /** Windows: vda 0, vdb 1, rng 2; vdb is spared. */
    private static final String TARGETS = "3 1";

    @TempDir
    Path dir;

    @Test
    void aHostileGuestNeitherKillsNorHangsTheVmmNorTouchesTheOtherDrive() throws Exception {
        long seed = Long.getLong("panamax.hostile.seed", System.nanoTime());
        System.out.println("[hostile] seed " + seed + ", " + SECONDS + " s");
        Path attacked = image("attacked.img", seed);
        Path spared = image("spared.img", seed + 1);
        String sparedBefore = sha256(spared);
        List<String> deaths = new CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> deaths.add(t.getName() + ": " + e));
        try {
            GuestSession session = GuestSession.boot(1, 128, List.of(GuestSession.drive("attacked", attacked, true, false),
                    GuestSession.drive("spared", spared, false, false)), true);
            MicroVm vm = session.vm();
            session.console().type("pmx-hostile " + SECONDS + " " + seed + " " + TARGETS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS + 150L);
            Optional<StopReason> stop = Optional.empty();
            boolean done = false;
            while (System.nanoTime() < deadline && stop.isEmpty() && !done) {
                stop = vm.awaitStop(Duration.ofSeconds(1));
                done = session.console().text().contains("HOSTILE-DONE");
            }
            String console = session.console().text();
            assertThat(console).as("the attack started (pmx-hostile could map the devices)").contains("HOSTILE-START");
            assertThat(console).as("pmx-hostile failed").doesNotContain("pmx-hostile: ");
            assertThat(console).as("the guest kernel lets pmx-hostile write I/O ports (iopl)").contains("ports=yes");
            String outcome;
            if (stop.isPresent()) {
                outcome = "the VM stopped: " + stop.get().describe();
                assertThat(stop.get().describe()).isNotBlank();
            } else {
                // still running: the VMM must still answer
                CompletableFuture.runAsync(() -> {
                    try {
                        vm.pause();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    vm.resume();
                }).get(60, TimeUnit.SECONDS);
                outcome = done ? "the guest finished its attack; the VMM pauses and resumes it"
                        : "the guest went quiet (its own kernel hurt); the VMM pauses and resumes it";
            }
            System.out.println("[hostile] " + outcome + "; the guest said: "
                    + console.lines().filter(l -> l.startsWith("HOSTILE-")).toList());
            CompletableFuture.runAsync(() -> {
                try {
                    session.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }).get(60, TimeUnit.SECONDS);
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
        assertThat(deaths).as("threads that died of an exception").isEmpty();
        assertThat(sha256(spared)).as("the spared drive's image").isEqualTo(sparedBefore);
    }

    private Path image(String name, long seed) throws Exception {
        byte[] bytes = new byte[4 << 20];
        new Random(seed).nextBytes(bytes);
        return Files.write(dir.resolve(name), bytes);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
