package dev.panamax.launcher.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import dev.panamax.vmm.VmConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Firecracker's {@code --config-file}, as given, key for key: the one model of a VM's config that
 * the config file, the quick flags and (section by section) the API are read into, and that
 * {@code GET /vm/config} writes back. Jackson checks the JSON types ({@link ConfigJson});
 * {@link #toVmConfig} checks the rest. Firecracker's key names live here and in the section
 * records, not in {@link VmConfig}.
 *
 * @param machineConfig null for Firecracker's defaults ({@link MachineConfig#DEFAULT})
 * @param drives        in order; never null (absent or null in JSON is no drives)
 * @param entropy       null for no virtio-rng device
 */
record FirecrackerConfig(
        @JsonProperty(BootSourceConfig.KEY) @JsonSetter(nulls = Nulls.FAIL) BootSourceConfig bootSource,
        @JsonProperty(MachineConfig.KEY) MachineConfig machineConfig,
        @JsonProperty(DriveConfig.KEY) @JsonSetter(contentNulls = Nulls.FAIL) List<DriveConfig> drives,
        @JsonProperty(EntropyConfig.KEY) EntropyConfig entropy,
        @JsonProperty(NETWORK_INTERFACES) PendingSection networkInterfaces,
        @JsonProperty(VSOCK) PendingSection vsock,
        @JsonProperty(LOGGER) PendingSection logger,
        @JsonProperty(METRICS) PendingSection metrics,
        @JsonProperty(BALLOON) PendingSection balloon,
        @JsonProperty(MMDS_CONFIG) PendingSection mmdsConfig,
        @JsonProperty(CPU_CONFIG) PendingSection cpuConfig) {
    private static final String NETWORK_INTERFACES = "network-interfaces";
    private static final String VSOCK = "vsock";
    private static final String LOGGER = "logger";
    private static final String METRICS = "metrics";
    private static final String BALLOON = "balloon";
    private static final String MMDS_CONFIG = "mmds-config";
    private static final String CPU_CONFIG = "cpu-config";

    /** The keys of the {@link PendingSection}s. */
    static final List<String> PENDING = List.of(NETWORK_INTERFACES, VSOCK, LOGGER, METRICS, BALLOON, MMDS_CONFIG,
            CPU_CONFIG);

    FirecrackerConfig {
        drives = drives == null ? List.of() : List.copyOf(drives);
    }

    /** What Panamax implements; the sections it does not are absent. */
    FirecrackerConfig(BootSourceConfig bootSource, MachineConfig machineConfig, List<DriveConfig> drives,
                      EntropyConfig entropy) {
        this(bootSource, machineConfig, drives, entropy, null, null, null, null, null, null, null);
    }

    /** This config with the sections Panamax implements replaced; the pending ones are kept as they are. */
    FirecrackerConfig with(BootSourceConfig newBootSource, MachineConfig newMachineConfig, List<DriveConfig> newDrives,
                           EntropyConfig newEntropy) {
        return new FirecrackerConfig(newBootSource, newMachineConfig, newDrives, newEntropy, networkInterfaces, vsock,
                logger, metrics, balloon, mmdsConfig, cpuConfig);
    }

    /**
     * Checks everything JSON types cannot say (files, sizes, unsupported options) and builds the
     * config; relative paths resolve against {@code workingDir}. Refusals name the key:
     * {@code drives[1].path_on_host: ...}.
     */
    VmConfig toVmConfig(Path workingDir) {
        VmConfig.Machine machine = (machineConfig == null ? MachineConfig.DEFAULT : machineConfig).toMachine();
        Optional<VmConfig.Entropy> rng = Optional.ofNullable(entropy).map(EntropyConfig::toEntropy);
        VmConfig.BootSource boot = bootSource.toBootSource(workingDir);
        List<VmConfig.Drive> built = new ArrayList<>(drives.size());
        for (int i = 0; i < drives.size(); i++) {
            built.add(drives.get(i).toDrive(KeyPath.element(DriveConfig.KEY, i), workingDir));
        }
        return ConfigException.building(() -> new VmConfig(boot, machine, built, rng));
    }
}
