/**
 * Firecracker's metrics file: one JSON object per line, written every 60 seconds, on the API's
 * {@code FlushMetrics} and at exit, with {@code utc_timestamp_ms} and Firecracker's groups where
 * Panamax has the thing they count. Counters are deltas since the previous line, as Firecracker's
 * are; values such as latencies are written as they are.
 */
package dev.panamax.launcher.metrics;
