package dev.panamax.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.stream.Stream;

/**
 * How input appears inside a {@link ConfigException} line: short (a long value would bury the
 * key it belongs to) and escaped (a value with a newline must not split the line).
 */
final class Show {
    private static final int MAX = 40;

    private Show() { }

    /** {@code s} as a JSON string literal, at most about 40 characters of it. */
    static String quote(String s) {
        String shown = clip(s);
        StringBuilder b = new StringBuilder(shown.length() + 2).append('"');
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** How a value appears after "got": its JSON for scalars, a word for non-empty containers. */
    static String value(JsonNode v) {
        if (v.isObject()) {
            return v.isEmpty() ? "{}" : "an object";
        }
        if (v.isArray()) {
            return v.isEmpty() ? "[]" : "an array";
        }
        if (v.isTextual()) {
            return quote(v.textValue());
        }
        // numbers as read (ConfigJson keeps fractions as BigDecimal), true, false, null
        return clip(v.toString());
    }

    /** Model enum values as JSON strings: {@code "A"}, {@code "A" or "B"}, {@code "A", "B" or "C"}. */
    static String oneOf(Enum<?>... constants) {
        List<String> quoted = Stream.of(constants).map(c -> quote(ConfigJson.name(c))).toList();
        String last = quoted.getLast();
        return quoted.size() == 1 ? last : String.join(", ", quoted.subList(0, quoted.size() - 1)) + " or " + last;
    }

    /** {@code s}, or its first 37 characters and "..." when it is over 40. */
    static String clip(String s) {
        return s.length() <= MAX ? s : s.substring(0, MAX - 3) + "...";
    }
}
