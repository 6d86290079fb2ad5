package dev.panamax.vmm.jfr;

import dev.panamax.device.MetricsGroup;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes one {@code dev.panamax.VcpuExits} event per vCPU each period (1 s by default), with
 * the exits since the previous one: the differences of the counters each vCPU keeps for the
 * metrics anyway, so recording adds nothing to the exit path. JFR runs {@link #run()} on its
 * periodic thread; the hook is registered only once the Flight Recorder is set up (at once, or
 * when a recording starts later), since registering it would set JFR up.
 */
public final class VcpuExitSampler implements Runnable, AutoCloseable {
    /** The {@code vcpu} group's fields, in the order {@link #previous} keeps them. */
    private static final List<String> FIELDS = List.of("exit_io_in", "exit_io_out", "exit_mmio_read",
            "exit_mmio_write", "failures");

    private final Supplier<List<MetricsGroup>> vcpus;
    private final FlightRecorderListener listener = new FlightRecorderListener() {
        @Override
        public void recorderInitialized(FlightRecorder recorder) {
            FlightRecorder.addPeriodicEvent(VcpuExitsEvent.class, VcpuExitSampler.this);
            hooked = true;
        }
    };
    private volatile boolean hooked;
    /** Per vCPU, the counts the last events were computed from; guarded by this. */
    private long[][] previous = new long[0][];

    /** @param vcpus each vCPU's {@code vcpu} metrics group, in vCPU order */
    public VcpuExitSampler(Supplier<List<MetricsGroup>> vcpus) {
        this.vcpus = vcpus;
    }

    /** Starts sampling whenever the Flight Recorder runs. */
    public void register() {
        FlightRecorder.addListener(listener); // calls recorderInitialized at once when it already runs
    }

    /** Writes each vCPU's event. */
    @Override
    public synchronized void run() {
        List<MetricsGroup> groups = vcpus.get();
        if (previous.length != groups.size()) {
            previous = Arrays.copyOf(previous, groups.size());
        }
        for (int i = 0; i < groups.size(); i++) {
            Map<String, Long> counts = groups.get(i).counters();
            long[] now = new long[FIELDS.size()];
            for (int f = 0; f < now.length; f++) {
                now[f] = counts.getOrDefault(FIELDS.get(f), 0L);
            }
            long[] before = previous[i] == null ? new long[now.length] : previous[i];
            VcpuExitsEvent e = new VcpuExitsEvent();
            e.vcpu = i;
            e.ioIn = now[0] - before[0];
            e.ioOut = now[1] - before[1];
            e.mmioRead = now[2] - before[2];
            e.mmioWrite = now[3] - before[3];
            e.failures = now[4] - before[4];
            e.commit();
            previous[i] = now;
        }
    }

    /** Stops sampling (the VM is closing). */
    @Override
    public void close() {
        FlightRecorder.removeListener(listener);
        if (hooked) {
            FlightRecorder.removePeriodicEvent(this);
        }
    }
}
