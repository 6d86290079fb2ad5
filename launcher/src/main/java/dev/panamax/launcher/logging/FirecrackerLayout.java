package dev.panamax.launcher.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * One log line as Firecracker writes it: local time with nanoseconds, then in brackets the
 * instance id, the thread, and optionally the level and the origin ({@code file:line}), then the
 * message; a throwable follows on its own lines.
 */
final class FirecrackerLayout extends LayoutBase<ILoggingEvent> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.nnnnnnnnn");

    private final String instanceId;
    private final boolean showLevel;
    private final boolean showOrigin;
    private final ZoneId zone = ZoneId.systemDefault();

    FirecrackerLayout(String instanceId, boolean showLevel, boolean showOrigin) {
        this.instanceId = instanceId;
        this.showLevel = showLevel;
        this.showOrigin = showOrigin;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128);
        TIME.formatTo(LocalDateTime.ofInstant(event.getInstant(), zone), line);
        line.append(" [").append(instanceId).append(':').append(event.getThreadName());
        if (showLevel) {
            line.append(':').append(event.getLevel());
        }
        if (showOrigin) {
            StackTraceElement[] caller = event.getCallerData();
            if (caller != null && caller.length > 0) {
                line.append(':').append(caller[0].getFileName()).append(':').append(caller[0].getLineNumber());
            }
        }
        line.append("] ").append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(ThrowableProxyUtil.asString(thrown));
        }
        return line.toString();
    }
}
