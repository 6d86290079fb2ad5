package dev.panamax.launcher.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import dev.panamax.config.LogSettings;
import org.slf4j.LoggerFactory;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Points the process's log at what {@link LogSettings} say. The log is the process's (SLF4J has
 * one logger context per class loader), so the last call wins; the launcher calls this once at
 * start and once more for a {@code logger} section.
 */
public final class LogOutput {
    /** Jetty's chatter (its info and debug lines) is left out unless {@code module} asks for it; its warnings stay. */
    private static final String JETTY = "org.eclipse.jetty";
    /** System property that lowers the default level (the launcher's tests: warn). */
    static final String DEFAULT_LEVEL_PROPERTY = "panamax.log.level";

    private LogOutput() { }

    /**
     * Sends the log where {@code settings} say, lines carrying {@code instanceId}. A named pipe is
     * opened for reading and writing, as Firecracker opens it, so that no reader needs to be there
     * yet; a file is appended to.
     *
     * @throws IOException the log file cannot be opened (the log stays as it was)
     */
    public static void configure(LogSettings settings, String instanceId) throws IOException {
        OutputStream out = settings.logPath().isPresent() ? openForAppending(settings.logPath().get()) : System.err;
        configure((LoggerContext) LoggerFactory.getILoggerFactory(), settings, instanceId, out);
    }

    static void configure(LoggerContext context, LogSettings settings, String instanceId, OutputStream out) {
        context.reset();
        FirecrackerLayout layout = new FirecrackerLayout(instanceId, settings.showLevel(), settings.showOrigin());
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setName("panamax");
        appender.setEncoder(encoder);
        appender.setImmediateFlush(true);
        appender.setOutputStream(out);
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        if (settings.module().isPresent()) {
            root.setLevel(ch.qos.logback.classic.Level.OFF);
            context.getLogger(settings.module().get()).setLevel(logback(settings.level()));
        } else {
            root.setLevel(logback(settings.level()));
            context.getLogger(JETTY).setLevel(ch.qos.logback.classic.Level.WARN.isGreaterOrEqual(logback(settings.level()))
                    ? ch.qos.logback.classic.Level.WARN : logback(settings.level()));
        }
    }

    /**
     * Opens a log or metrics file as Firecracker does: a file is created if missing and appended
     * to; a named pipe is opened for reading and writing, so that no reader needs to be there yet.
     */
    public static OutputStream openForAppending(Path path) throws IOException {
        if (Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path)) {
            // a named pipe: O_RDWR does not wait for a reader, O_WRONLY would
            return new FileOutputStream(new RandomAccessFile(path.toFile(), "rw").getFD());
        }
        return Files.newOutputStream(path, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND, java.nio.file.StandardOpenOption.WRITE);
    }

    /** Back to the log before any {@code logger} section: stderr, at the default level. */
    public static void configureDefaults(String instanceId) {
        configure((LoggerContext) LoggerFactory.getILoggerFactory(), defaults(), instanceId, System.err);
    }

    /** The default settings, with the level the {@value #DEFAULT_LEVEL_PROPERTY} property may lower. */
    static LogSettings defaults() {
        String level = System.getProperty(DEFAULT_LEVEL_PROPERTY);
        if (level == null) {
            return LogSettings.DEFAULT;
        }
        LogSettings.Level chosen = LogSettings.Level.valueOf(level.toUpperCase(java.util.Locale.ROOT));
        return new LogSettings(LogSettings.DEFAULT.logPath(), chosen, true, false, LogSettings.DEFAULT.module());
    }

    private static ch.qos.logback.classic.Level logback(LogSettings.Level level) {
        return switch (level) {
            case OFF -> ch.qos.logback.classic.Level.OFF;
            case ERROR -> ch.qos.logback.classic.Level.ERROR;
            case WARNING -> ch.qos.logback.classic.Level.WARN;
            case INFO -> ch.qos.logback.classic.Level.INFO;
            case DEBUG -> ch.qos.logback.classic.Level.DEBUG;
            case TRACE -> ch.qos.logback.classic.Level.TRACE;
        };
    }
}
