package dev.panamax.launcher.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import dev.panamax.config.LogSettings;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class LogOutputTest {
    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    {
        context.setMDCAdapter(new LogbackMDCAdapter()); // SLF4J's binding sets it on the global context
    }

    private String[] lines() {
        String text = out.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? new String[0] : text.split("\n");
    }

    private void configure(LogSettings.Level level, boolean showLevel, boolean showOrigin, Optional<String> module) {
        LogOutput.configure(context, new LogSettings(Optional.empty(), level, showLevel, showOrigin, module),
                "vm-7", out);
    }

    @Test
    void firecrackersLineShape() {
        configure(LogSettings.Level.INFO, false, false, Optional.empty());
        context.getLogger("dev.panamax.x").info("hello {}", "guest");
        assertThat(lines()).singleElement().asString()
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9} \\[vm-7:main\\] hello guest");
    }

    @Test
    void levelAndOriginWhenAskedFor() {
        configure(LogSettings.Level.INFO, true, true, Optional.empty());
        context.getLogger("dev.panamax.x").warn("careful");
        assertThat(lines()).singleElement().asString()
                .matches(".* \\[vm-7:main:WARN:LogOutputTest\\.java:\\d+\\] careful");
    }

    @Test
    void theLevelFiltersAndOffSilences() {
        configure(LogSettings.Level.WARNING, true, false, Optional.empty());
        context.getLogger("a").info("not this");
        context.getLogger("a").error("this");
        assertThat(lines()).singleElement().asString().endsWith(":ERROR] this");
        out.reset();
        configure(LogSettings.Level.OFF, true, false, Optional.empty());
        context.getLogger("a").error("nothing");
        assertThat(lines()).isEmpty();
    }

    @Test
    void aModuleKeepsOnlyItsLoggers() {
        configure(LogSettings.Level.DEBUG, false, false, Optional.of("dev.panamax.virtio"));
        context.getLogger("dev.panamax.virtio.BlockDevice").debug("kept");
        context.getLogger("dev.panamax.vmm.MicroVm").error("dropped");
        assertThat(lines()).singleElement().asString().endsWith("] kept");
    }

    @Test
    void aThrowableFollowsOnItsOwnLines() {
        configure(LogSettings.Level.INFO, false, false, Optional.empty());
        context.getLogger("a").warn("failed", new IllegalStateException("boom"));
        assertThat(lines()[0]).endsWith("] failed");
        assertThat(lines()[1]).contains("IllegalStateException: boom");
    }

    @Test
    void jettyChatterIsLeftOutEvenAtDebug() {
        configure(LogSettings.Level.DEBUG, false, false, Optional.empty());
        context.getLogger("org.eclipse.jetty.server.Server").info("Started");
        context.getLogger("org.eclipse.jetty.server.Server").warn("trouble");
        assertThat(lines()).singleElement().asString().endsWith("] trouble");
    }
}
