package dev.panamax.config;

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
        Path path = resolve(key, given, workingDir);
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

    /**
     * A file Panamax will create or write (a log, metrics, a vsock socket): not a directory, in a
     * directory that exists. Whether it may exist already is the caller's to say.
     */
    static Path writable(String key, String given, Path workingDir) {
        Path path = resolve(key, given, workingDir);
        if (Files.isDirectory(path)) {
            throw ConfigException.at(key, path + ": is a directory");
        }
        if (path.getParent() == null || !Files.isDirectory(path.getParent())) {
            throw ConfigException.at(key, path + ": directory " + path.getParent() + " does not exist");
        }
        return path;
    }

    /** {@code given} made absolute against {@code workingDir}; an empty or invalid path names the key. */
    private static Path resolve(String key, String given, Path workingDir) {
        if (given.isEmpty()) {
            throw ConfigException.at(key, "empty path");
        }
        try {
            return workingDir.resolve(given).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw ConfigException.at(key, Show.quote(given) + " is not a valid path");
        }
    }
}
