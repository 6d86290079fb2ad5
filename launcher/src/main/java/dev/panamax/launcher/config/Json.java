package dev.panamax.launcher.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A minimal JSON tree, read with Jackson's streaming parser. It keeps numbers as written (so
 * messages can quote them), keeps key order (so the first bad key in the file is the one reported)
 * and rejects duplicate keys, which Jackson's own tree silently collapses but Firecracker's
 * serde-derived structs refuse.
 */
final class Json {
    private Json() { }

    /** A parsed JSON value. */
    sealed interface Value permits Obj, Arr, Str, Int, Frac, Bool, Null { }

    record Obj(Map<String, Value> members) implements Value { }

    record Arr(List<Value> elements) implements Value { }

    record Str(String value) implements Value { }

    /** A JSON number without fraction or exponent. */
    record Int(BigInteger value) implements Value { }

    /** Any other JSON number, kept as written. */
    record Frac(String text) implements Value { }

    record Bool(boolean value) implements Value { }

    enum Null implements Value { INSTANCE }

    /** How a value appears after "got" in a message: short, one line, JSON-ish. */
    static String describe(Value v) {
        return switch (v) {
            case Obj o -> o.members().isEmpty() ? "{}" : "an object";
            case Arr a -> a.elements().isEmpty() ? "[]" : "an array";
            case Str s -> quote(s.value());
            case Int i -> clip(i.value().toString());
            case Frac f -> clip(f.text());
            case Bool b -> String.valueOf(b.value());
            case Null n -> "null";
        };
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    /** {@code s} as a JSON string literal, at most about 40 characters of it. */
    static String quote(String s) {
        String shown = s.length() <= 40 ? s : s.substring(0, 37) + "...";
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

    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

    /** The dotted path of {@code key} inside {@code parent} ("" for the top level). */
    static String path(String parent, String key) {
        String k = PLAIN_KEY.matcher(key).matches() ? key : quote(key);
        return parent.isEmpty() ? k : parent + "." + k;
    }

    /**
     * Parses one JSON document. Syntax errors become
     * {@code NAME: malformed JSON at line L column C: REASON}; duplicate keys become
     * {@code PATH: duplicate key}.
     */
    static Value parse(byte[] bytes, String name) {
        JsonFactory factory = JsonFactory.builder().build();
        JsonParser p;
        try {
            p = factory.createParser(bytes);
        } catch (IOException e) {
            throw new ConfigException(name + ": malformed JSON: " + reason(e), e);
        }
        try (p) {
            if (p.nextToken() == null) {
                throw new ConfigException(name + ": malformed JSON at line 1 column 1: no JSON value (the file is empty)");
            }
            Value root = read(p, "");
            if (p.nextToken() != null) {
                throw new ConfigException(name + ": malformed JSON" + where(p.currentTokenLocation())
                        + ": unexpected content after the top-level value");
            }
            return root;
        } catch (IOException e) {
            // Parsing an in-memory byte array does no I/O: all of these are about the input.
            JsonLocation at = e instanceof JsonProcessingException jpe && jpe.getLocation() != null
                    ? jpe.getLocation()
                    : p.currentLocation();
            throw new ConfigException(name + ": malformed JSON" + where(at) + ": " + reason(e), e);
        }
    }

    private static Value read(JsonParser p, String path) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Value> members = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    String child = path(path, key);
                    if (members.containsKey(key)) {
                        throw new ConfigException(child + ": duplicate key");
                    }
                    p.nextToken();
                    members.put(key, read(p, child));
                }
                return new Obj(Collections.unmodifiableMap(members));
            }
            case START_ARRAY -> {
                List<Value> elements = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    elements.add(read(p, path + "[" + elements.size() + "]"));
                }
                return new Arr(List.copyOf(elements));
            }
            case VALUE_STRING -> {
                return new Str(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return new Int(p.getBigIntegerValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return new Frac(p.getText());
            }
            case VALUE_TRUE -> {
                return new Bool(true);
            }
            case VALUE_FALSE -> {
                return new Bool(false);
            }
            case VALUE_NULL -> {
                return Null.INSTANCE;
            }
            default -> throw new IllegalStateException("unexpected token " + t);
        }
    }

    private static String where(JsonLocation at) {
        if (at == null || at.getLineNr() < 1) {
            return "";
        }
        return " at line " + at.getLineNr() + " column " + Math.max(1, at.getColumnNr());
    }

    private static final Pattern START_MARKER = Pattern.compile("\\s*\\((start marker at|for \\w+ starting at) .*?(\\]\\)|$)");

    /**
     * Jackson's description, cut down to the part that is about the input: no source excerpts,
     * feature, token or class names; one line.
     */
    static String reason(IOException e) {
        String m = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        if (m == null || m.isBlank()) {
            return "unreadable input";
        }
        m = m.lines().findFirst().orElse("");
        m = START_MARKER.matcher(m).replaceAll("");
        for (String cut : new String[] {"[Source", "`", " (not recognized as one since", ": enable ", "; enable ", ", from "}) {
            int i = m.indexOf(cut);
            if (i >= 0) {
                m = m.substring(0, i);
            }
        }
        m = m.strip();
        while (!m.isEmpty() && ":;,(".indexOf(m.charAt(m.length() - 1)) >= 0) {
            m = m.substring(0, m.length() - 1).strip();
        }
        // A cut inside "(1000, from ...)" leaves the parenthesis open.
        if (m.chars().filter(c -> c == '(').count() > m.chars().filter(c -> c == ')').count()) {
            m = m + ")";
        }
        for (JsonToken t : JsonToken.values()) {
            m = m.replace(t.name(), TOKEN_WORDS.getOrDefault(t, "a value"));
        }
        if (m.isEmpty()) {
            return "unreadable input";
        }
        if (m.length() > 160) {
            m = m.substring(0, 157) + "...";
        }
        return Character.toLowerCase(m.charAt(0)) + m.substring(1);
    }

    private static final Map<JsonToken, String> TOKEN_WORDS = Map.of(
            JsonToken.VALUE_STRING, "a string",
            JsonToken.FIELD_NAME, "a key",
            JsonToken.START_OBJECT, "'{'",
            JsonToken.END_OBJECT, "'}'",
            JsonToken.START_ARRAY, "'['",
            JsonToken.END_ARRAY, "']'",
            JsonToken.VALUE_NUMBER_INT, "a number",
            JsonToken.VALUE_NUMBER_FLOAT, "a number");
}
