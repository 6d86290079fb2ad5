package dev.panamax.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.JsonNode;
import dev.panamax.vmm.MacAddress;
import dev.panamax.vmm.VmConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One of Firecracker's {@code network-interfaces}, as given: also the body of
 * {@code PUT /network-interfaces/{id}}. The TAP interface must exist already (Panamax, like
 * Firecracker run by its jailer, does not create one); the rate limiters are kept as plain JSON
 * until Panamax implements rate limiting, and refused by name.
 */
record NetworkInterfaceConfig(
        @JsonProperty(IFACE_ID) @JsonSetter(nulls = Nulls.FAIL) String ifaceId,
        @JsonProperty(HOST_DEV_NAME) @JsonSetter(nulls = Nulls.FAIL) String hostDevName,
        @JsonProperty(GUEST_MAC) String guestMac,
        @JsonProperty(RX_RATE_LIMITER) JsonNode rxRateLimiter,
        @JsonProperty(TX_RATE_LIMITER) JsonNode txRateLimiter) {
    static final String KEY = "network-interfaces";
    static final String IFACE_ID = "iface_id";
    private static final String HOST_DEV_NAME = "host_dev_name";
    private static final String GUEST_MAC = "guest_mac";
    private static final String RX_RATE_LIMITER = "rx_rate_limiter";
    private static final String TX_RATE_LIMITER = "tx_rate_limiter";
    /** Where Linux lists its network interfaces. */
    private static final Path SYS_CLASS_NET = Path.of("/sys/class/net");

    /** An interface without a MAC or rate limiters. */
    NetworkInterfaceConfig(String ifaceId, String hostDevName, String guestMac) {
        this(ifaceId, hostDevName, guestMac, null, null);
    }

    /**
     * Refuses what Panamax does not implement and a TAP that does not exist; {@code at} is this
     * interface's key path: {@code network-interfaces[0]} in a config file, or
     * {@code network-interfaces.eth0} from the API.
     */
    VmConfig.NetworkInterface toNetworkInterface(String at) {
        if (ifaceId == null) {
            throw ConfigException.at(KeyPath.key(at, IFACE_ID), "missing required key");
        }
        if (hostDevName == null) {
            throw ConfigException.at(KeyPath.key(at, HOST_DEV_NAME), "missing required key");
        }
        refuseRateLimiter(KeyPath.key(at, RX_RATE_LIMITER), rxRateLimiter);
        refuseRateLimiter(KeyPath.key(at, TX_RATE_LIMITER), txRateLimiter);
        Optional<MacAddress> mac;
        try {
            mac = Optional.ofNullable(guestMac).map(MacAddress::parse);
        } catch (IllegalArgumentException e) {
            throw ConfigException.at(KeyPath.key(at, GUEST_MAC), e.getMessage());
        }
        VmConfig.NetworkInterface built = ConfigException.building(
                () -> new VmConfig.NetworkInterface(ifaceId, hostDevName, mac));
        if (!Files.exists(SYS_CLASS_NET.resolve(hostDevName))) {
            throw ConfigException.at(KeyPath.key(at, HOST_DEV_NAME), "no network interface " + Show.quote(hostDevName)
                    + " on this host (create the TAP first, e.g. ip tuntap add " + hostDevName + " mode tap)");
        }
        return built;
    }

    private static void refuseRateLimiter(String key, JsonNode limiter) {
        if (limiter != null) {
            throw ConfigException.at(key, "rate limiting is not supported");
        }
    }
}
