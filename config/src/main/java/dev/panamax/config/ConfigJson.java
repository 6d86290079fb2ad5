package dev.panamax.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Reads and writes the config model ({@link FirecrackerConfig} and each of its sections, which are
 * also the bodies of Firecracker's {@code PUT /boot-source}, {@code PUT /machine-config}, ...) as
 * strictly as Firecracker's serde-derived structs do: unknown keys, duplicate keys, trailing
 * content and any value of the wrong JSON type are refused ({@code 2.5} is not {@code 2},
 * {@code "2"} is not {@code 2}, {@code 1} is not {@code true}). Refusals are one
 * {@link ConfigException} line, made by {@link JsonProblems}.
 *
 * <p>The input is read as a tree first and then bound to the model, rather than bound as it is
 * parsed, so that a refusal can say what value it refused ("got 2.5", "got an array") and whether
 * a required key was absent or null: Jackson's exceptions carry the path, not the value.
 *
 * <p>Public for the REST API ({@code dev.panamax.launcher.api}), whose own small bodies
 * ({@code PUT /actions}, {@code PATCH /vm}) are read and its answers written by this same mapper,
 * so that they are as strict and refused in the same words.
 */
public final class ConfigJson {
    /** Configured here once; an ObjectMapper that is not reconfigured is safe to share. */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                    DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                    DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                    DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS,
                    // "got 1.0", not "got 1" or "got 1.0E400"-turned-"Infinity"
                    DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfigDefaults(c -> c.setAcceptBlankAsEmpty(false)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Integer, c -> c
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Boolean, c -> c
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Textual, c -> c
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            // An opaque section or rate_limiter given as null is absent, not a NullNode.
            .withConfigOverride(JsonNode.class, o -> o.setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.SKIP)))
            // Absent, as Firecracker's GET /vm/config leaves what was not given out or null.
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private ConfigJson() { }

    /**
     * Reads one JSON object into {@code type}; {@code name} is what syntax messages call the input
     * (the config file as the user gave it, say). Key paths in messages start at that object.
     */
    static <T> T read(byte[] json, String name, Class<T> type) {
        return read(json, name, "", type);
    }

    /**
     * Reads one JSON object into {@code type}, as {@link #read(byte[], String, Class)}, for input
     * that is one part of a config or an API body: {@code at} is that part's key path, so that
     * messages name keys as the config file has them ({@code machine-config.vcpu_count} for a
     * {@code PUT /machine-config} body read at {@code machine-config}); "" for none.
     */
    public static <T> T read(byte[] json, String name, String at, Class<T> type) {
        return bind(object(json, name, at), name, at, type);
    }

    /**
     * Applies a partial update (Firecracker's {@code PATCH} bodies) to {@code current}: each key of
     * {@code json} replaces the same key of {@code current}, null meaning "leave it", and the
     * result is read as strictly as {@link #read(byte[], String, String, Class)} reads, so an
     * unknown key or a wrong type in the update is refused in the same words.
     */
    static <T> T patch(T current, byte[] json, String name, String at, Class<T> type) {
        ObjectNode update = object(json, name, at);
        ObjectNode merged = MAPPER.valueToTree(current);
        update.properties().forEach(member -> {
            if (!member.getValue().isNull()) {
                merged.set(member.getKey(), member.getValue());
            }
        });
        return bind(merged, name, at, type);
    }

    private static ObjectNode object(byte[] json, String name, String at) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (IOException e) {
            throw JsonProblems.syntax(e, name, at);
        }
        if (tree.isMissingNode()) {
            throw new ConfigException(name + ": malformed JSON at line 1 column 1: no JSON value (the "
                    + (at.isEmpty() ? "file" : "body") + " is empty)");
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new ConfigException(name + ": expected a JSON object at the top level, got " + Show.value(tree));
        }
        return object;
    }

    private static <T> T bind(ObjectNode tree, String name, String at, Class<T> type) {
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (JsonMappingException e) {
            throw JsonProblems.binding(e, tree, name, at);
        } catch (JsonProcessingException e) {
            // a tree holds no syntax errors and is not read twice
            throw new IllegalStateException(e);
        }
    }

    /** {@code model} as JSON with Firecracker's key names; absent (null) values are left out. */
    public static String write(Object model) {
        try {
            return MAPPER.writeValueAsString(model);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON spelling of an enum constant of the model ({@code "Writeback"}, not {@code WRITEBACK}). */
    static String name(Enum<?> constant) {
        return MAPPER.convertValue(constant, String.class);
    }
}
