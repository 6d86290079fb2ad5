package dev.panamax.launcher.api;

import dev.panamax.device.MetricsGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * Requests the API answered, for the metrics groups {@code get_api_requests},
 * {@code put_api_requests} and {@code patch_api_requests}: per resource (the path's first
 * segment, {@code -} as {@code _}) {@code <resource>_count}, and {@code <resource>_fails} for
 * those refused. Counted from the server's threads at once, hence adders.
 */
final class ApiRequestCounts {
    private static final Pattern PLAIN_RESOURCE = Pattern.compile("[a-z_]{1,32}");

    private final Map<String, Map<String, LongAdder>> byMethod = new ConcurrentHashMap<>();

    /** Counts {@code method path}, answered with {@code status}; unknown methods are not counted. */
    void count(String method, String path, int status) {
        if (!method.equals("GET") && !method.equals("PUT") && !method.equals("PATCH")) {
            return;
        }
        String[] segments = path.split("/");
        String resource = segments.length > 1 && !segments[1].isEmpty()
                ? segments[1].replace('-', '_') : "instance_info";
        if (!PLAIN_RESOURCE.matcher(resource).matches()) {
            resource = "other"; // the client chose the path: keep the metric names few and plain
        }
        Map<String, LongAdder> fields = byMethod.computeIfAbsent(method.toLowerCase(java.util.Locale.ROOT)
                + "_api_requests", k -> new ConcurrentHashMap<>());
        fields.computeIfAbsent(resource + "_count", k -> new LongAdder()).increment();
        if (status >= Answer.BAD_REQUEST) {
            fields.computeIfAbsent(resource + "_fails", k -> new LongAdder()).increment();
        }
    }

    /** The counts so far, one group per method, fields in name order. */
    List<MetricsGroup> metrics() {
        List<MetricsGroup> groups = new ArrayList<>();
        new TreeMap<>(byMethod).forEach((group, fields) -> {
            Map<String, Long> counts = new TreeMap<>();
            fields.forEach((field, adder) -> counts.put(field, adder.sum()));
            groups.add(new MetricsGroup(group, group, counts));
        });
        return groups;
    }
}
