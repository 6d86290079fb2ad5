package dev.panamax.config;

import java.util.function.Supplier;

/**
 * A configuration the launcher refuses: bad JSON, an unknown or unsupported key, a wrong type, a
 * missing file, an impossible size. {@link #getMessage()} is exactly the one line to print (the
 * launcher prefixes {@code panamax: } and exits with status 2); it never spans lines, since control
 * characters from the input are escaped, and never names Java or Jackson classes.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(oneLine(message));
    }

    public ConfigException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** A refusal of the value at {@code path} ({@link KeyPath}): {@code PATH: PROBLEM}. */
    static ConfigException at(String path, String problem) {
        return new ConfigException(path + ": " + problem);
    }

    /**
     * Builds a {@code dev.panamax.vmm} value, whose constructors refuse with an
     * {@link IllegalArgumentException} whose message is already fit to show (a range, a drive id).
     */
    static <T> T building(Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), e);
        }
    }

    /** Escapes control characters so that a message is always one printable line. */
    static String oneLine(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085';
            if (control && out == null) {
                out = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (out != null) {
                if (!control) {
                    out.append(c);
                } else if (c == '\n') {
                    out.append("\\n");
                } else if (c == '\r') {
                    out.append("\\r");
                } else if (c == '\t') {
                    out.append("\\t");
                } else {
                    out.append(String.format("\\u%04x", (int) c));
                }
            }
        }
        return out == null ? s : out.toString();
    }
}
