package dev.panamax.launcher.api;

import dev.panamax.config.ConfigJson;

/**
 * An answer to a request: 200 with a JSON body, 204 with none, or an error status with a
 * {@link Fault} body.
 *
 * @param json the body, null for none
 */
record Answer(int status, String json) {
    static final int OK = 200;
    static final int NO_CONTENT = 204;
    static final int BAD_REQUEST = 400;
    static final int INTERNAL_ERROR = 500;

    static Answer ok(String json) {
        return new Answer(OK, json);
    }

    static Answer noContent() {
        return new Answer(NO_CONTENT, null);
    }

    /** 400, as Firecracker answers every request it refuses. */
    static Answer fault(String message) {
        return fault(BAD_REQUEST, message);
    }

    static Answer fault(int status, String message) {
        return new Answer(status, ConfigJson.write(new Fault(message)));
    }
}
