package dev.panamax.vcpu;

import dev.panamax.device.Counter;
import dev.panamax.device.MetricsGroup;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One vCPU's exits by kind, counted by its own thread (Firecracker's {@code vcpu} metrics group,
 * which adds up every vCPU's). A port exit counts once however many bytes a string instruction
 * moved.
 */
public final class ExitCounters {
    final Counter ioIn = new Counter();
    final Counter ioOut = new Counter();
    final Counter mmioRead = new Counter();
    final Counter mmioWrite = new Counter();
    final Counter failures = new Counter();

    /** The counts so far, as Firecracker's {@code vcpu} group names them. */
    public MetricsGroup metrics() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("exit_io_in", ioIn.get());
        counts.put("exit_io_out", ioOut.get());
        counts.put("exit_mmio_read", mmioRead.get());
        counts.put("exit_mmio_write", mmioWrite.get());
        counts.put("failures", failures.get());
        return new MetricsGroup("vcpu", "vcpu", counts);
    }
}
