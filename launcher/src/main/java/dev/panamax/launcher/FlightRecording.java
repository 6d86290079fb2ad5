package dev.panamax.launcher;

import dev.panamax.config.ConfigException;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;

/**
 * {@code --jfr FILE}: a JDK Flight Recorder recording for the launcher's lifetime, with the JDK's
 * "default" settings (low overhead, meant for production) and Panamax's {@code dev.panamax.*}
 * events, which are on by default, so the settings need not name them. Written to FILE when the
 * launcher closes it, or by JFR itself if the JVM exits first.
 */
final class FlightRecording implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FlightRecording.class);

    private final Recording recording;
    private final Path file;

    private FlightRecording(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    /**
     * Starts recording into {@code file}.
     *
     * @throws ConfigException naming {@code --jfr} when the file cannot be written there
     */
    static FlightRecording start(Path file) {
        Path absolute = file.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            throw new ConfigException("--jfr " + file + ": is a directory");
        }
        if (!Files.isDirectory(absolute.getParent())) {
            throw new ConfigException("--jfr " + file + ": directory does not exist");
        }
        Recording recording;
        try {
            recording = new Recording(Configuration.getConfiguration("default"));
        } catch (IOException | ParseException e) {
            throw new IllegalStateException("the JDK's default JFR settings cannot be read", e);
        }
        try {
            recording.setName("panamax");
            recording.setDestination(absolute); // refuses a file it cannot write
            recording.setDumpOnExit(true);
        } catch (IOException e) {
            recording.close();
            throw new ConfigException("--jfr " + file + ": cannot write: " + e.getMessage());
        }
        recording.start();
        return new FlightRecording(recording, file);
    }

    /** Stops the recording, which writes the file. */
    @Override
    public void close() {
        try {
            recording.stop();
            LOG.info("JFR recording written to {}", file);
        } catch (IllegalStateException e) {
            LOG.warn("JFR recording {} not written: {}", file, e.getMessage());
        } finally {
            recording.close();
        }
    }
}
