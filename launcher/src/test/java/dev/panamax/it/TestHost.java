package dev.panamax.it;

import java.nio.file.Files;
import java.nio.file.Path;

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
}
