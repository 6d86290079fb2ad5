package dev.panamax.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A Firecracker top-level section that Panamax recognises but does not implement yet (see
 * {@link ConfigFile#NOT_YET_SUPPORTED}): accepted only when it asks for nothing, as {@code []} or
 * {@code {}} (null is absent), so that Firecracker configs that list it empty still load. Anything
 * else is refused while reading, whatever its shape, since its shape is not modelled yet. Later
 * work replaces each with a record of its own.
 */
record PendingSection(JsonNode value) {
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    PendingSection {
        if (!(value.isContainerNode() && value.isEmpty())) {
            // the whole problem; JsonProblems puts the key path in front
            throw new IllegalArgumentException("not supported yet");
        }
    }

    @JsonValue
    @Override
    public JsonNode value() {
        return value;
    }
}
