package dev.panamax.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class AotTrainingTest {
    @TempDir
    Path dir;

    /** The training's config file goes the whole way through config parsing and checks: only its kernel is refused. */
    @Test
    void theTrainingConfigIsRefusedOnlyForItsKernel() throws Exception {
        Path config = AotTraining.configFile(dir);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        int status = Main.run(new String[] {"--config-file", config.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), errStream,
                new ByteArrayInputStream(new byte[0]));
        assertThat(status).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("panamax: kernel image " + config + ": not an ELF64 x86-64 executable or bzImage"
                        + System.lineSeparator());
    }
}
