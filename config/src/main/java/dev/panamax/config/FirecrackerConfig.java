package dev.panamax.config;

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
 * @param networkInterfaces in order; never null (absent or null in JSON is none)
 * @param vsock         null for no virtio-vsock device
 */
record FirecrackerConfig(
        @JsonProperty(BootSourceConfig.KEY) @JsonSetter(nulls = Nulls.FAIL) BootSourceConfig bootSource,
        @JsonProperty(MachineConfig.KEY) MachineConfig machineConfig,
        @JsonProperty(DriveConfig.KEY) @JsonSetter(contentNulls = Nulls.FAIL) List<DriveConfig> drives,
        @JsonProperty(EntropyConfig.KEY) EntropyConfig entropy,
        @JsonProperty(NetworkInterfaceConfig.KEY) @JsonSetter(contentNulls = Nulls.FAIL)
        List<NetworkInterfaceConfig> networkInterfaces,
        @JsonProperty(VsockConfig.KEY) VsockConfig vsock,
        @JsonProperty(LoggerConfig.KEY) LoggerConfig logger,
        @JsonProperty(MetricsConfig.KEY) MetricsConfig metrics,
        @JsonProperty(BALLOON) PendingSection balloon,
        @JsonProperty(MMDS_CONFIG) PendingSection mmdsConfig,
        @JsonProperty(CPU_CONFIG) PendingSection cpuConfig) {
    private static final String BALLOON = "balloon";
    private static final String MMDS_CONFIG = "mmds-config";
    private static final String CPU_CONFIG = "cpu-config";

    /** The keys of the {@link PendingSection}s. */
    static final List<String> PENDING = List.of(BALLOON, MMDS_CONFIG,
            CPU_CONFIG);

    FirecrackerConfig {
        drives = drives == null ? List.of() : List.copyOf(drives);
        networkInterfaces = networkInterfaces == null ? List.of() : List.copyOf(networkInterfaces);
    }

    /** What Panamax implements; the sections it does not are absent. */
    FirecrackerConfig(BootSourceConfig bootSource, MachineConfig machineConfig, List<DriveConfig> drives,
                      EntropyConfig entropy, List<NetworkInterfaceConfig> networkInterfaces, VsockConfig vsock) {
        this(bootSource, machineConfig, drives, entropy, networkInterfaces, vsock, null, null, null, null, null);
    }

    /** Nothing configured. */
    static FirecrackerConfig empty() {
        return new FirecrackerConfig(null, null, List.of(), null, List.of(), null);
    }

    // One wither per section the API sets; the others are kept as they are.

    FirecrackerConfig withBootSource(BootSourceConfig section) {
        return new FirecrackerConfig(section, machineConfig, drives, entropy, networkInterfaces, vsock, logger,
                metrics, balloon, mmdsConfig, cpuConfig);
    }

    FirecrackerConfig withMachineConfig(MachineConfig section) {
        return new FirecrackerConfig(bootSource, section, drives, entropy, networkInterfaces, vsock, logger,
                metrics, balloon, mmdsConfig, cpuConfig);
    }

    FirecrackerConfig withDrives(List<DriveConfig> section) {
        return new FirecrackerConfig(bootSource, machineConfig, section, entropy, networkInterfaces, vsock, logger,
                metrics, balloon, mmdsConfig, cpuConfig);
    }

    FirecrackerConfig withEntropy(EntropyConfig section) {
        return new FirecrackerConfig(bootSource, machineConfig, drives, section, networkInterfaces, vsock, logger,
                metrics, balloon, mmdsConfig, cpuConfig);
    }

    FirecrackerConfig withLogger(LoggerConfig section) {
        return new FirecrackerConfig(bootSource, machineConfig, drives, entropy, networkInterfaces, vsock, section,
                metrics, balloon, mmdsConfig, cpuConfig);
    }

    FirecrackerConfig withMetrics(MetricsConfig section) {
        return new FirecrackerConfig(bootSource, machineConfig, drives, entropy, networkInterfaces, vsock, logger,
                section, balloon, mmdsConfig, cpuConfig);
    }

    FirecrackerConfig withNetworkInterfaces(List<NetworkInterfaceConfig> section) {
        return new FirecrackerConfig(bootSource, machineConfig, drives, entropy, section, vsock, logger,
                metrics, balloon, mmdsConfig, cpuConfig);
    }

    FirecrackerConfig withVsock(VsockConfig section) {
        return new FirecrackerConfig(bootSource, machineConfig, drives, entropy, networkInterfaces, section, logger,
                metrics, balloon, mmdsConfig, cpuConfig);
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
        List<VmConfig.NetworkInterface> nets = new ArrayList<>(networkInterfaces.size());
        for (int i = 0; i < networkInterfaces.size(); i++) {
            nets.add(networkInterfaces.get(i).toNetworkInterface(KeyPath.element(NetworkInterfaceConfig.KEY, i)));
        }
        Optional<VmConfig.Vsock> socket = Optional.ofNullable(vsock).map(v -> v.toVsock(workingDir));
        return ConfigException.building(() -> new VmConfig(boot, machine, built, rng, nets, socket));
    }
}
