package dev.panamax.launcher.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The answer to {@code GET /version}: Firecracker's {@code FirecrackerVersion}. Its one key is
 * named for Firecracker, but the version in it is Panamax's: clients read the key, and claiming a
 * Firecracker version Panamax does not implement would mislead them more than an honest one.
 */
record FirecrackerVersion(@JsonProperty("firecracker_version") String firecrackerVersion) {}
