package dev.panamax.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** What the snapshot ITs share: the guest's ticking loop read back, whole-line patterns, ext4 images. */
final class SnapshotChecks {
    /** Prints {@code TICK n} every second, in the background: a counter that must go on after a restore. */
    static final String TICKING = "(i=0; while true; do i=$((i+1)); echo TICK $i; sleep 1; done) &";
    private static final Pattern TICK = Pattern.compile("TICK (\\d+)\\r?\\n");

    private SnapshotChecks() {}

    /**
     * A whole line of output: the typed command's echo holds the same words after "echo ", so
     * an unanchored pattern would match before the command ran.
     */
    static String line(String text) {
        return "(?m)^" + Pattern.quote(text) + "\\r?$";
    }

    /** The numbers of the complete TICK lines in {@code text}, in order. */
    static List<Integer> ticks(String text) {
        List<Integer> ticks = new ArrayList<>();
        Matcher m = TICK.matcher(text);
        while (m.find()) {
            ticks.add(Integer.parseInt(m.group(1)));
        }
        return ticks;
    }

    static int lastTick(String text) {
        List<Integer> ticks = ticks(text);
        assertThat(ticks).as("ticks before the pause").isNotEmpty();
        return ticks.getLast();
    }

    /**
     * After a restore of a guest paused at {@code lastTick}: the first complete tick is the next
     * one (or the one after, when the pause cut a line in two), and the ticks are consecutive.
     */
    static void assertTicksGoOn(String restoredConsole, int lastTick) {
        List<Integer> ticks = ticks(restoredConsole);
        assertThat(ticks).as("ticks after the restore").isNotEmpty();
        assertThat(ticks.getFirst()).as("the first tick after the restore (paused at %d)", lastTick)
                .isBetween(lastTick + 1, lastTick + 2);
        for (int i = 1; i < ticks.size(); i++) {
            assertThat(ticks.get(i)).as("ticks after the restore: %s", ticks).isEqualTo(ticks.get(i - 1) + 1);
        }
    }

    /** A fresh 32 MiB ext4 image. */
    static void mkfs(Path image) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfs.ext4", "-q", "-F", image.toString(), "32M").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("mkfs.ext4 finished").isTrue();
        assertThat(p.exitValue()).as("mkfs.ext4 exit status").isZero();
    }

    /** A file's contents in an ext4 image, read on the host (the guest unmounted it). */
    static String debugfsCat(Path image, String file) throws IOException, InterruptedException {
        Path out = Files.createTempFile(image.getParent(), "debugfs", ".out");
        Process p = new ProcessBuilder("debugfs", "-R", "cat " + file, image.toString())
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("debugfs finished").isTrue();
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
