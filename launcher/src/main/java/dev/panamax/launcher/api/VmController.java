package dev.panamax.launcher.api;

import dev.panamax.vmm.SnapshotType;
import dev.panamax.device.MetricsGroup;
import dev.panamax.config.ConfigException;
import dev.panamax.launcher.logging.LogOutput;
import dev.panamax.launcher.metrics.MetricsWriter;

import dev.panamax.config.ConfigJson;
import dev.panamax.config.PreBootConfig;
import dev.panamax.vmm.VmConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the API's requests act on, as Firecracker's VMM thread is: the config being built before
 * {@code InstanceStart} and, after it, the running VM. Every method is synchronized, so requests
 * from any number of connections take effect one at a time, in order, and an {@code InstanceStart}
 * boots exactly the config that the requests before it made.
 *
 * <p>Bodies arrive as bytes and are read here (through {@link PreBootConfig} and
 * {@link ConfigJson}); refusals are {@link dev.panamax.config.ConfigException}s for bad
 * bodies (naming the key) and {@link VmActionException}s for the wrong state. Pre-boot requests after
 * {@code InstanceStart} are refused with "KEY: not supported after starting the microVM", run-time
 * ones before it with "... before starting the microVM", as Firecracker refuses them.
 */
public final class VmController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VmController.class);

    private final VmStarter starter;
    private final String vmmVersion;
    private final String instanceId;
    private PreBootConfig config;
    /** Null until InstanceStart succeeds; volatile for the metrics thread, which takes no lock here. */
    private volatile VmLifecycle vm;
    private final ApiRequestCounts requests = new ApiRequestCounts();
    /** Null until the metrics file is set up ({@code PUT /metrics} or the config's section). */
    private MetricsWriter metrics;
    private volatile long pauseMicros;
    private volatile long resumeMicros;
    /** Process start to the controller's creation (the API's start), wall clock and CPU. */
    private final long startupMicros;
    private final long startupCpuMicros;

    /**
     * @param config     what {@code InstanceStart} boots unless requests change it first: empty,
     *                   or a config file's
     * @param starter    boots it
     * @param vmmVersion Panamax's version, for {@code GET /} and {@code GET /version}
     * @param instanceId Firecracker's {@code --id}, for {@code GET /} and the log
     */
    public VmController(PreBootConfig config, VmStarter starter, String vmmVersion, String instanceId) {
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        this.startupMicros = Math.max(0, System.currentTimeMillis()
                - ManagementFactory.getRuntimeMXBean().getStartTime()) * 1000;
        this.startupCpuMicros = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                .getProcessCpuTime() / 1000;
        this.config = Objects.requireNonNull(config, "config");
        this.starter = Objects.requireNonNull(starter, "starter");
        this.vmmVersion = Objects.requireNonNull(vmmVersion, "vmmVersion");
    }

    /** {@code GET /}. */
    synchronized String instanceInfo() {
        InstanceState state = vm == null ? InstanceState.NOT_STARTED : InstanceState.of(vm.state());
        return ConfigJson.write(new InstanceInfo(instanceId, state, vmmVersion, InstanceInfo.APP_NAME));
    }

    /** {@code GET /version}. */
    String version() {
        return ConfigJson.write(new FirecrackerVersion(vmmVersion));
    }

    /** {@code GET /vm/config}: the config being built, or the one the VM was started with. */
    synchronized String vmConfig() {
        return config.json();
    }

    /** {@code GET /machine-config}. */
    synchronized String machineConfig() {
        return config.machineConfigJson();
    }

    synchronized void putBootSource(byte[] body) {
        config = beforeStart("boot-source").withBootSource(body);
    }

    synchronized void putMachineConfig(byte[] body) {
        config = beforeStart("machine-config").withMachineConfig(body);
    }

    synchronized void patchMachineConfig(byte[] body) {
        config = beforeStart("machine-config").withMachineConfigUpdate(body);
    }

    synchronized void putDrive(String id, byte[] body) {
        config = beforeStart("drives").withDrive(id, body);
    }

    synchronized void putEntropy(byte[] body) {
        config = beforeStart("entropy").withEntropy(body);
    }

    synchronized void putLogger(byte[] body) {
        config = beforeStart("logger").withLogger(body, settings -> LogOutput.configure(settings, instanceId));
    }

    synchronized void putNetworkInterface(String id, byte[] body) {
        config = beforeStart("network-interfaces").withNetworkInterface(id, body);
    }

    synchronized void putVsock(byte[] body) {
        config = beforeStart("vsock").withVsock(body);
    }

    /** {@code PATCH /network-interfaces/{id}}: Firecracker changes a running interface's rate limiters. */
    synchronized void patchNetworkInterface(String id) {
        afterStart("network-interfaces");
        throw new VmActionException("network-interfaces." + id + ": rate limiting is not supported");
    }

    /**
     * {@code PATCH /drives/{id}}: the running VM's drive serves a new image from now on; the
     * guest sees its size after a configuration-change interrupt. A refused image changes
     * nothing, in the VM or in {@code GET /vm/config}.
     */
    synchronized void patchDrive(String id, byte[] body) {
        VmLifecycle running = afterStart("drives");
        PreBootConfig.DriveChange change = config.withDriveImage(id, body);
        running.replaceDriveImage(id, change.image());
        config = change.config();
    }

    /** {@code PUT /actions}. */
    synchronized void action(byte[] body) {
        InstanceActionInfo action = ConfigJson.read(body, "actions", "", InstanceActionInfo.class);
        switch (action.actionType()) {
            case INSTANCE_START -> instanceStart();
            case SEND_CTRL_ALT_DEL -> afterStart("SendCtrlAltDel").sendCtrlAltDel();
            case FLUSH_METRICS -> flushMetrics();
        }
    }

    /** {@code PATCH /vm}: pauses or resumes the running VM. */
    synchronized void patchVm(byte[] body) {
        VmUpdate update = ConfigJson.read(body, "vm", "", VmUpdate.class);
        VmLifecycle running = afterStart("vm");
        long start = System.nanoTime();
        switch (update.state()) {
            case PAUSED -> {
                running.pause();
                pauseMicros = (System.nanoTime() - start) / 1000;
            }
            case RESUMED -> {
                running.resume();
                resumeMicros = (System.nanoTime() - start) / 1000;
            }
        }
    }

    /**
     * {@code PUT /snapshot/create}: a Full (the default) or Diff snapshot of the paused VM; a Diff
     * needs dirty-page tracking and an earlier snapshot, else the VM refuses it.
     */
    synchronized void createSnapshot(byte[] body) {
        SnapshotCreateParams p = ConfigJson.read(body, "snapshot", "", SnapshotCreateParams.class);
        VmLifecycle running = afterStart("snapshot/create");
        Path cwd = Path.of("").toAbsolutePath();
        running.snapshot(cwd.resolve(p.snapshotPath()), cwd.resolve(p.memFilePath()),
                p.snapshotType() == SnapshotCreateParams.Type.DIFF ? SnapshotType.DIFF : SnapshotType.FULL);
    }

    /**
     * {@code PUT /snapshot/load}: instead of {@code InstanceStart}, the VM comes from a snapshot
     * (its devices as the snapshot names them, with the body's overrides). Once, before any start.
     */
    synchronized void loadSnapshot(byte[] body) {
        SnapshotLoadParams p = ConfigJson.read(body, "snapshot", "", SnapshotLoadParams.class);
        beforeStart("snapshot/load");
        vm = starter.restore(SnapshotLoad.of(p, Path.of("").toAbsolutePath()));
        LOG.info("snapshot/load: the microVM is restored ({})", vm.state());
    }

    /** {@code PUT /metrics}: sets up the metrics file, once, before start. */
    synchronized void putMetrics(byte[] body) {
        beforeStart("metrics");
        if (metrics != null) {
            throw new VmActionException("metrics: already set up (the metrics file cannot be changed)");
        }
        PreBootConfig updated = config.withMetrics(body);
        openMetrics(updated.metricsPath().orElseThrow());
        config = updated;
    }

    /** Sets up the metrics file a config file's {@code metrics} section names, if it has one. */
    public synchronized void openConfiguredMetrics() {
        config.metricsPath().ifPresent(this::openMetrics);
    }

    private void openMetrics(Path path) {
        try {
            metrics = MetricsWriter.open(path, this::counters, this::values);
        } catch (IOException e) {
            throw new ConfigException("metrics.metrics_path: " + path + ": cannot open: " + e.getMessage());
        }
    }

    private void flushMetrics() {
        if (metrics == null) {
            throw new VmActionException("FlushMetrics: no metrics file is set up (PUT /metrics first)");
        }
        try {
            metrics.flush();
        } catch (IOException e) {
            throw new VmActionException("FlushMetrics: cannot write the metrics file: " + e.getMessage());
        }
    }

    /** Counts a request the API answered, for the metrics. */
    void countRequest(String method, String path, int status) {
        requests.count(method, path, status);
    }

    private List<MetricsGroup> counters() {
        List<MetricsGroup> groups = new ArrayList<>(requests.metrics());
        VmLifecycle running = vm;
        if (running != null) {
            groups.addAll(running.metrics());
        }
        return groups;
    }

    private List<MetricsGroup> values() {
        Map<String, Long> latencies = new LinkedHashMap<>();
        latencies.put("pause_vm", pauseMicros);
        latencies.put("resume_vm", resumeMicros);
        Map<String, Long> startup = new LinkedHashMap<>();
        startup.put("process_startup_time_us", startupMicros);
        startup.put("process_startup_time_cpu_us", startupCpuMicros);
        return List.of(new MetricsGroup("api_server", "api_server", startup),
                new MetricsGroup("latencies_us", "latencies_us", latencies));
    }

    /** Writes the last metrics line and closes the file (at exit). */
    @Override
    public synchronized void close() {
        if (metrics != null) {
            try {
                metrics.close();
            } catch (IOException e) {
                LOG.warn("the last metrics line could not be written: {}", e.toString());
            }
        }
    }

    /**
     * Boots the config ({@code InstanceStart}; also how {@code --config-file} with
     * {@code --api-sock} starts the VM at once). Once: a second is refused. A start that fails
     * (a kernel that cannot boot, no KVM) leaves the VM not started and the config as it was, so
     * that it can be fixed and tried again.
     */
    public synchronized void instanceStart() {
        beforeStart("InstanceStart");
        VmConfig boot = config.toVmConfig();
        vm = starter.start(boot);
        LOG.info("InstanceStart: the microVM is running");
    }

    private PreBootConfig beforeStart(String what) {
        if (vm != null) {
            throw new VmActionException(what + ": not supported after starting the microVM");
        }
        return config;
    }

    private VmLifecycle afterStart(String what) {
        if (vm == null) {
            throw new VmActionException(what + ": not supported before starting the microVM");
        }
        return vm;
    }
}
