package dev.panamax.it;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Facts about the machine the integration tests run on. */
final class TestHost {
    private TestHost() {}

    /** The repository root (tests run with the launcher module as working directory). */
    static Path repo() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("scripts/nested-host.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("not inside the Panamax repository: " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** Inside the nested test host started by scripts/nested-host.sh. */
    static boolean insideNestedHost() {
        return "1".equals(System.getenv("PANAMAX_NESTED"));
    }

    /** The guest artifacts scripts/build-guest.sh makes. */
    static Path guestArtifact(String name) {
        Path p = repo().resolve("build/guest").resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing: scripts/test builds it with scripts/build-guest.sh");
        }
        return p;
    }

    /**
     * The command that runs the launcher from this module's build in a JVM of its own, with
     * {@code jvmOptions} and this JVM's {@code -XX} options: in the nested host those keep the
     * JIT off what QEMU-TCG emulates badly (UseAVX=0, -UseSHA; see NestedRun), and a launcher
     * started without them crashed in C1 code there. Arguments for the launcher go after it.
     */
    static List<String> launcherCommand(List<String> jvmOptions) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("-XX:"))
                .forEach(command::add);
        command.addAll(jvmOptions);
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", launcherClasspath(),
                "dev.panamax.launcher.Main"));
        return command;
    }

    /** The launcher's main classes and every dependency this module's tests have (Maven writes the list). */
    static String launcherClasspath() throws IOException {
        Path module = Path.of("").toAbsolutePath();
        return String.join(":", module.resolve("target/classes").toString(),
                Files.readString(module.resolve("target/it-classpath.txt")).strip());
    }
}
