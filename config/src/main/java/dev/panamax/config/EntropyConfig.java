package dev.panamax.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.panamax.vmm.VmConfig;

/**
 * Firecracker's {@code entropy} section, as given: also the body of {@code PUT /entropy}. Its
 * presence, even as {@code {}}, asks for a virtio-rng device. {@code rate_limiter} is kept as plain
 * JSON until Panamax implements rate limiting; only null is accepted.
 */
record EntropyConfig(@JsonProperty(DriveConfig.RATE_LIMITER) JsonNode rateLimiter) {
    static final String KEY = "entropy";

    /** The device, unless this asks for what Panamax does not implement. */
    VmConfig.Entropy toEntropy() {
        if (rateLimiter != null) {
            throw ConfigException.at(KeyPath.key(KEY, DriveConfig.RATE_LIMITER), "rate limiting is not supported");
        }
        return new VmConfig.Entropy();
    }
}
