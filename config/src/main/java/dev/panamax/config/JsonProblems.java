package dev.panamax.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns Jackson's exceptions into the one line a user sees: {@code KEY.PATH: PROBLEM} for input
 * that is JSON but not a config, {@code NAME: malformed JSON at line L column C: REASON} for input
 * that is not JSON. No Jackson class, feature or token names, no source excerpts, no
 * "(through reference chain ...)".
 */
final class JsonProblems {
    private JsonProblems() { }

    /**
     * A problem reading the JSON itself: syntax, a duplicate key, content after the value.
     * {@code at} is the key path of the object being read ("" for a whole config file).
     */
    static ConfigException syntax(IOException e, String name, String at) {
        if (e instanceof JsonProcessingException jpe && jpe.getProcessor() instanceof JsonParser p
                && jpe.getOriginalMessage().startsWith("Duplicate field ")) {
            // STRICT_DUPLICATE_DETECTION, which has no exception type of its own (ConfigFileTest
            // pins the text); the parser is still at the duplicate
            return ConfigException.at(KeyPath.of(at, p.getParsingContext()), "duplicate key");
        }
        JsonLocation location = e instanceof JsonProcessingException jpe ? jpe.getLocation() : null;
        // Reading a tree, the only data-binding problem is FAIL_ON_TRAILING_TOKENS's.
        String reason = e instanceof MismatchedInputException
                ? "unexpected content after the top-level value"
                : reason(e);
        return new ConfigException(name + ": malformed JSON" + where(location) + ": " + reason, e);
    }

    /**
     * A problem binding {@code root}, the JSON object {@code name} holds, to the model; {@code at}
     * is that object's key path ("" for a whole config file).
     */
    static ConfigException binding(JsonMappingException e, JsonNode root, String name, String at) {
        String path = e.getPath().isEmpty() ? name : KeyPath.of(at, e.getPath());
        JsonNode value = find(root, e.getPath());
        if (e instanceof PropertyBindingException) {
            return ConfigException.at(path, "unknown key");
        }
        if (value == null && e instanceof InvalidNullException) {
            return ConfigException.at(path, "missing required key");
        }
        if (e instanceof ValueInstantiationException && e.getCause() instanceof IllegalArgumentException refusal) {
            // a value type of the model (FeatureMask, PendingSection) refusing in its own words
            return new ConfigException(path + ": " + refusal.getMessage(), e);
        }
        if (value != null && e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return new ConfigException(path + ": expected " + expected(m.getTargetType(), value) + ", got "
                    + Show.value(value), e);
        }
        // e.g. an enum given an integer too large for Jackson to try as an index
        return new ConfigException(path + ": not a valid value" + (value == null ? "" : ", got " + Show.value(value)),
                e);
    }

    private static JsonNode find(JsonNode root, List<JsonMappingException.Reference> path) {
        JsonNode node = root;
        for (JsonMappingException.Reference r : path) {
            node = r.getFieldName() != null ? node.get(r.getFieldName()) : node.get(r.getIndex());
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    private static final List<Class<?>> INTEGERS = List.of(BigInteger.class, Long.class, Integer.class, Short.class,
            Byte.class, long.class, int.class, short.class, byte.class);

    /** What a value of the model type {@code t} looks like in JSON. */
    private static String expected(Class<?> t, JsonNode got) {
        if (t == String.class) {
            return "a string";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "a boolean";
        }
        if (INTEGERS.contains(t)) {
            return "an integer";
        }
        if (t.isEnum()) {
            // a string that is none of them gets the list; anything else, what kind of value it takes
            return got.isTextual() ? Show.oneOf((Enum<?>[]) t.getEnumConstants()) : "a string";
        }
        if (Collection.class.isAssignableFrom(t) || t.isArray()) {
            return "an array";
        }
        return "an object";
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
    private static String reason(IOException e) {
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
