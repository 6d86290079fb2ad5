package dev.panamax.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.JsonNode;
import dev.panamax.vmm.VmConfig;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One of Firecracker's {@code drives}, as given: also the body of {@code PUT /drives/{id}}.
 *
 * <p>{@code path_on_host} is optional here as in Firecracker (which leaves it out for vhost-user
 * drives), but {@link #toDrive} requires it, since Panamax has no vhost-user.
 * {@code cache_type} is Firecracker's: {@code "Writeback"} offers the guest flushes (each an
 * fsync of the image), {@code "Unsafe"} (the default) does not; either way the guest's writes
 * reach the image file at once, so they survive the VMM's death, and only Writeback survives
 * the host's.
 * {@code rate_limiter} is kept as plain JSON until Panamax implements rate limiting.
 *
 * @param isReadOnly null means false
 */
record DriveConfig(
        @JsonProperty(DRIVE_ID) @JsonSetter(nulls = Nulls.FAIL) String driveId,
        @JsonProperty(PATH_ON_HOST) String pathOnHost,
        @JsonProperty("is_root_device") @JsonSetter(nulls = Nulls.FAIL) boolean isRootDevice,
        @JsonProperty("is_read_only") Boolean isReadOnly,
        @JsonProperty(PARTUUID) String partuuid,
        @JsonProperty("cache_type") CacheType cacheType,
        @JsonProperty(IO_ENGINE) IoEngine ioEngine,
        @JsonProperty(RATE_LIMITER) JsonNode rateLimiter,
        @JsonProperty(SOCKET) String socket) {
    static final String KEY = "drives";
    static final String RATE_LIMITER = "rate_limiter";
    static final String DRIVE_ID = "drive_id";
    private static final String PATH_ON_HOST = "path_on_host";
    private static final String PARTUUID = "partuuid";
    private static final String IO_ENGINE = "io_engine";
    private static final String SOCKET = "socket";

    /** Firecracker's {@code CacheType}. */
    enum CacheType {
        @JsonProperty("Unsafe") UNSAFE,
        @JsonProperty("Writeback") WRITEBACK
    }

    /** Firecracker's {@code FileEngineType}; only the default, {@code "Sync"}, is implemented. */
    enum IoEngine {
        @JsonProperty("Sync") SYNC,
        @JsonProperty("Async") ASYNC
    }

    /** A plain drive: a file, no options. */
    DriveConfig(String driveId, String pathOnHost, boolean isRootDevice, boolean isReadOnly) {
        this(driveId, pathOnHost, isRootDevice, isReadOnly, null, null, null, null, null);
    }

    /** This drive on another image, its other keys kept. */
    DriveConfig withPathOnHost(String newPath) {
        return new DriveConfig(driveId, newPath, isRootDevice, isReadOnly, partuuid, cacheType, ioEngine, rateLimiter,
                socket);
    }

    /**
     * Refuses what Panamax does not implement, then checks the image: a readable regular file,
     * writable unless read-only. {@code at} is this drive's key path, for messages: its place in
     * the config file's {@code drives} ({@code drives[0]}) or, from the API, its id
     * ({@code drives.rootfs}).
     */
    VmConfig.Drive toDrive(String at, Path workingDir) {
        String pathKey = KeyPath.key(at, PATH_ON_HOST);
        // Before path_on_host, which Firecracker leaves out for vhost-user drives.
        if (socket != null) {
            throw ConfigException.at(KeyPath.key(at, SOCKET), "vhost-user drives are not supported");
        }
        if (pathOnHost == null) {
            throw ConfigException.at(pathKey, "missing required key");
        }
        if (partuuid != null) {
            throw ConfigException.at(KeyPath.key(at, PARTUUID), "partuuid is not supported");
        }
        if (ioEngine != null && ioEngine != IoEngine.SYNC) {
            throw ConfigException.at(KeyPath.key(at, IO_ENGINE), Show.oneOf(ioEngine)
                    + " is not supported (only " + Show.oneOf(IoEngine.SYNC) + ")");
        }
        if (rateLimiter != null) {
            throw ConfigException.at(KeyPath.key(at, RATE_LIMITER), "rate limiting is not supported");
        }
        boolean readOnly = Boolean.TRUE.equals(isReadOnly);
        Path file = HostFile.readable(pathKey, pathOnHost, workingDir);
        if (!readOnly && !Files.isWritable(file)) {
            throw ConfigException.at(pathKey, file
                    + ": not writable (for a read-only drive give is_read_only: true, or PATH,ro to --drive)");
        }
        VmConfig.Drive.CacheType cache = cacheType == CacheType.WRITEBACK
                ? VmConfig.Drive.CacheType.WRITEBACK : VmConfig.Drive.CacheType.UNSAFE;
        return ConfigException.building(() -> new VmConfig.Drive(driveId, file, isRootDevice, readOnly, cache));
    }
}
