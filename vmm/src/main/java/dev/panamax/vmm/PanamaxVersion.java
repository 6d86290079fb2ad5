package dev.panamax.vmm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Panamax's version, one source for all that show or check it (the launcher's {@code --version}
 * and API, the snapshot file's header): the build's {@code project.version}, which Maven writes
 * into {@code panamax-version.properties} beside this class.
 */
public final class PanamaxVersion {
    /** The version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static final String VERSION = read();

    private PanamaxVersion() {}

    private static String read() {
        try (InputStream in = PanamaxVersion.class.getResourceAsStream("panamax-version.properties")) {
            if (in == null) {
                throw new IllegalStateException("panamax-version.properties is missing from the vmm jar");
            }
            Properties p = new Properties();
            p.load(in);
            String version = p.getProperty("version", "");
            if (version.isEmpty() || version.contains("${")) {
                throw new IllegalStateException("panamax-version.properties holds no filtered version: \"" + version
                        + "\" (a build without Maven's resource filtering?)");
            }
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException("reading panamax-version.properties", e);
        }
    }
}
