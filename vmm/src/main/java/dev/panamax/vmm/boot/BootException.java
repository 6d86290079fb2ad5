package dev.panamax.vmm.boot;

import java.nio.file.Path;

/**
 * Boot input that cannot work: a missing, truncated or malformed kernel or initrd, one that does
 * not fit in guest RAM, a command line that is too long, too many vCPUs for the MP table. The
 * message is a single line naming the culprit, fit to show a user as is.
 */
public final class BootException extends RuntimeException {
    BootException(String message) {
        super(oneLine(message));
    }

    BootException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** {@code "<what> <path>: <problem>"}, e.g. {@code kernel image /x/vmlinux: truncated ...}. */
    static BootException forFile(String what, Path path, String problem) {
        return new BootException(what + " " + path + ": " + problem);
    }

    // A path or an I/O message could carry a line break; the launcher prints exactly one line.
    private static String oneLine(String message) {
        return message.replaceAll("[\\r\\n]+", " ");
    }
}
