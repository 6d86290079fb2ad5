package dev.panamax.device;

import java.util.Map;
import java.util.Objects;

/**
 * One device's counters as Firecracker's metrics name them: the group of this device
 * ({@code block_rootfs}) and the group that adds up all devices of its kind ({@code block}),
 * which may be the same ({@code entropy}). Values are cumulative since the device was made.
 *
 * @param counters field name to count, in the order they are written
 */
public record MetricsGroup(String aggregate, String name, Map<String, Long> counters) {
    public MetricsGroup {
        Objects.requireNonNull(aggregate, "aggregate");
        Objects.requireNonNull(name, "name");
        counters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(counters));
    }
}
