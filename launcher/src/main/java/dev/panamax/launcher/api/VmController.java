package dev.panamax.launcher.api;

import dev.panamax.launcher.config.ConfigJson;
import dev.panamax.launcher.config.PreBootConfig;
import dev.panamax.vmm.VmConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * What the API's requests act on, as Firecracker's VMM thread is: the config being built before
 * {@code InstanceStart} and, after it, the running VM. Every method is synchronized, so requests
 * from any number of connections take effect one at a time, in order, and an {@code InstanceStart}
 * boots exactly the config that the requests before it made.
 *
 * <p>Bodies arrive as bytes and are read here (through {@link PreBootConfig} and
 * {@link ConfigJson}); refusals are {@link dev.panamax.launcher.config.ConfigException}s for bad
 * bodies (naming the key) and {@link VmActionException}s for the wrong state. Pre-boot requests after
 * {@code InstanceStart} are refused with "KEY: not supported after starting the microVM", run-time
 * ones before it with "... before starting the microVM", as Firecracker refuses them.
 */
public final class VmController {
    private static final Logger LOG = LoggerFactory.getLogger(VmController.class);

    private final VmStarter starter;
    private final String vmmVersion;
    private final String instanceId;
    private PreBootConfig config;
    /** Null until InstanceStart succeeds. */
    private VmLifecycle vm;

    /**
     * @param config     what {@code InstanceStart} boots unless requests change it first: empty,
     *                   or a config file's
     * @param starter    boots it
     * @param vmmVersion Panamax's version, for {@code GET /} and {@code GET /version}
     * @param instanceId Firecracker's {@code --id}, for {@code GET /} and the log
     */
    public VmController(PreBootConfig config, VmStarter starter, String vmmVersion, String instanceId) {
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
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
        config = beforeStart("logger").withLogger(body, instanceId);
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
     * {@code PATCH /drives/{id}}: Firecracker swaps a running VM's drive image or rate limiter;
     * Panamax's virtio-blk cannot change its backing file yet.
     */
    synchronized void patchDrive(String id) {
        afterStart("drives");
        throw new VmActionException("drives." + id + ": changing a drive of a running microVM is not supported yet");
    }

    /** {@code PUT /actions}. */
    synchronized void action(byte[] body) {
        InstanceActionInfo action = ConfigJson.read(body, "actions", "", InstanceActionInfo.class);
        switch (action.actionType()) {
            case INSTANCE_START -> instanceStart();
            case SEND_CTRL_ALT_DEL -> afterStart("SendCtrlAltDel").sendCtrlAltDel();
            case FLUSH_METRICS -> throw new VmActionException("FlushMetrics: not supported yet (metrics are not supported "
                    + "yet)");
        }
    }

    /** {@code PATCH /vm}: pauses or resumes the running VM. */
    synchronized void patchVm(byte[] body) {
        VmUpdate update = ConfigJson.read(body, "vm", "", VmUpdate.class);
        VmLifecycle running = afterStart("vm");
        switch (update.state()) {
            case PAUSED -> running.pause();
            case RESUMED -> running.resume();
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
