package dev.panamax.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import dev.panamax.vmm.VmConfig;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Firecracker's {@code vsock} section, as given: also the body of {@code PUT /vsock}.
 * {@code uds_path} is the Unix socket Panamax will create for host-initiated connections, so its
 * directory must exist and the path itself must not (Firecracker fails the same way when it
 * binds). {@code vsock_id} is Firecracker's deprecated device name: accepted and ignored.
 */
record VsockConfig(
        @JsonProperty("vsock_id") String vsockId,
        @JsonProperty(GUEST_CID) @JsonSetter(nulls = Nulls.FAIL) BigInteger guestCid,
        @JsonProperty(UDS_PATH) @JsonSetter(nulls = Nulls.FAIL) String udsPath) {
    static final String KEY = "vsock";
    private static final String GUEST_CID = "guest_cid";
    private static final String UDS_PATH = "uds_path";

    VsockConfig(BigInteger guestCid, String udsPath) {
        this(null, guestCid, udsPath);
    }

    /** Checks the CID and the socket's path; relative paths resolve against {@code workingDir}. */
    VmConfig.Vsock toVsock(Path workingDir) {
        String cidKey = KeyPath.key(KEY, GUEST_CID);
        String pathKey = KeyPath.key(KEY, UDS_PATH);
        if (guestCid == null) {
            throw ConfigException.at(cidKey, "missing required key");
        }
        if (udsPath == null) {
            throw ConfigException.at(pathKey, "missing required key");
        }
        if (guestCid.compareTo(BigInteger.valueOf(VmConfig.Vsock.MIN_GUEST_CID)) < 0
                || guestCid.compareTo(BigInteger.valueOf(VmConfig.Vsock.MAX_GUEST_CID)) > 0) {
            throw ConfigException.at(cidKey, guestCid + " is not in " + VmConfig.Vsock.MIN_GUEST_CID + ".."
                    + VmConfig.Vsock.MAX_GUEST_CID + " (0 to 2 are reserved)");
        }
        Path path = HostFile.writable(pathKey, udsPath, workingDir);
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw ConfigException.at(pathKey, path + ": already exists (another VM's socket? remove it or choose "
                    + "another path)");
        }
        return ConfigException.building(() -> new VmConfig.Vsock(guestCid.longValueExact(), path));
    }
}
