package dev.panamax.launcher.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;
import dev.panamax.config.LogSettings;

/**
 * Logback's configuration before the launcher has read any config: {@link LogSettings#DEFAULT}
 * (stderr, Info), found by Logback through {@code META-INF/services}, so no XML is parsed at
 * start-up and Logback's own default (debug lines on stdout, the guest's console) never applies.
 */
public final class DefaultLogConfigurator extends ContextAwareBase implements Configurator {
    /** Firecracker's instance id when none is given. */
    public static final String DEFAULT_INSTANCE_ID = "anonymous-instance";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        LogOutput.configure(context, LogOutput.defaults(), DEFAULT_INSTANCE_ID, System.err);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
