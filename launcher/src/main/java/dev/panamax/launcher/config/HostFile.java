package dev.panamax.launcher.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** The host files a config names (kernel, initrd, drive images), checked before anything opens them. */
final class HostFile {
    private HostFile() { }

    /**
     * Firecracker opens these paths with {@code File::open}, i.e. relative to its working
     * directory; so do we. The path is made absolute but not normalised or de-symlinked, so that
     * {@code ..} keeps the meaning the kernel gives it. {@code key} is the path of the key that
     * named the file, for messages.
     */
    static Path readable(String key, String given, Path workingDir) {
        if (given.isEmpty()) {
            throw ConfigException.at(key, "empty path");
        }
        Path path;
        try {
            path = workingDir.resolve(given).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw ConfigException.at(key, Show.quote(given) + " is not a valid path");
        }
        if (!Files.exists(path)) {
            throw ConfigException.at(key, path + ": no such file");
        }
        if (Files.isDirectory(path)) {
            throw ConfigException.at(key, path + ": is a directory");
        }
        if (!Files.isRegularFile(path)) {
            throw ConfigException.at(key, path + ": not a regular file");
        }
        if (!Files.isReadable(path)) {
            throw ConfigException.at(key, path + ": permission denied");
        }
        return path;
    }
}
