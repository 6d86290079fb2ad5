package dev.panamax.config;

import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonMappingException;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where in the config a message points: {@code drives[1].path_on_host}, Firecracker's key names
 * joined by dots, array elements by index. Keys that are not plain words are quoted, so that an
 * odd key ({@code "a.b"}, one with a newline, {@code ""}) cannot pass for a path or split the line.
 */
final class KeyPath {
    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

    private KeyPath() { }

    /** The path of {@code key} inside {@code parent} ("" for the top level). */
    static String key(String parent, String key) {
        String k = PLAIN_KEY.matcher(key).matches() ? key : Show.quote(key);
        return parent.isEmpty() ? k : parent + "." + k;
    }

    /** The path of element {@code index} of the array at {@code parent}. */
    static String element(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /**
     * The path Jackson's data binding was at when it failed, below {@code at}, the path of the
     * object that was read ("" for the top level).
     */
    static String of(String at, List<JsonMappingException.Reference> references) {
        String path = at;
        for (JsonMappingException.Reference r : references) {
            path = r.getFieldName() != null ? key(path, r.getFieldName()) : element(path, r.getIndex());
        }
        return path;
    }

    /**
     * The path of the key or element the parser was at (a duplicate key: the duplicate), below
     * {@code at}, the path of the object being read ("" for the top level).
     */
    static String of(String at, JsonStreamContext context) {
        Deque<JsonStreamContext> outermostFirst = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            outermostFirst.push(c);
        }
        String path = at;
        for (JsonStreamContext c : outermostFirst) {
            if (c.inArray()) {
                path = element(path, c.getCurrentIndex());
            } else if (c.getCurrentName() != null) {
                path = key(path, c.getCurrentName());
            }
        }
        return path;
    }
}
