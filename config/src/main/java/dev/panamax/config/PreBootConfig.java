package dev.panamax.config;

import dev.panamax.vmm.VmConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A VM's config as the REST API builds it before {@code InstanceStart}, one section per request
 * ({@code PUT /boot-source}, {@code PUT /machine-config}, {@code PATCH /machine-config},
 * {@code PUT /drives/{id}}, {@code PUT /network-interfaces/{id}}, {@code PUT /vsock},
 * {@code PUT /entropy}), held in the one config model
 * ({@link FirecrackerConfig}) that the config file is read into. Each body is read as strictly as
 * the config file's section of the same name, and refused in the same words, with key paths as
 * the config file has them: {@code machine-config.vcpu_count}, {@code drives.rootfs.path_on_host}
 * (a drive is named by the id in its path, since the API has no array index to give).
 *
 * <p>Immutable: each update returns a new config, so a refused body leaves the config as it was
 * (Firecracker: "if any of the parameters has an incorrect value, the whole update fails"). As in
 * Firecracker, each section is checked when it is given (a kernel or drive image that does not
 * exist is refused by its {@code PUT}, not later); what concerns several sections together (one
 * root device, at most {@link VmConfig#MAX_DRIVES} drives) is checked by {@link #toVmConfig()}.
 */
public final class PreBootConfig {
    private final FirecrackerConfig model;
    private final Path workingDir;

    private PreBootConfig(FirecrackerConfig model, Path workingDir) {
        this.model = model;
        this.workingDir = workingDir;
    }

    /** Nothing configured yet; relative paths in later bodies resolve against {@code workingDir}. */
    public static PreBootConfig empty(Path workingDir) {
        return new PreBootConfig(FirecrackerConfig.empty(), workingDir);
    }

    /** A config file ({@code --config-file}) as {@link ConfigFile} reads it; {@link #toVmConfig()} checks it. */
    public static PreBootConfig read(Path jsonFile, Path workingDir) {
        return new PreBootConfig(ConfigFile.model(jsonFile), workingDir);
    }

    /** {@code PUT /boot-source}: replaces the boot source; the kernel and initrd must be readable files. */
    public PreBootConfig withBootSource(byte[] body) {
        BootSourceConfig boot = ConfigJson.read(body, BootSourceConfig.KEY, BootSourceConfig.KEY,
                BootSourceConfig.class);
        boot.toBootSource(workingDir);
        return new PreBootConfig(model.withBootSource(boot), workingDir);
    }

    /** {@code PUT /machine-config}: replaces the machine; the options not given take their defaults. */
    public PreBootConfig withMachineConfig(byte[] body) {
        return withMachine(ConfigJson.read(body, MachineConfig.KEY, MachineConfig.KEY, MachineConfig.class));
    }

    /** {@code PATCH /machine-config}: changes the keys given (null: unchanged), keeps the others. */
    public PreBootConfig withMachineConfigUpdate(byte[] body) {
        return withMachine(ConfigJson.patch(machine(), body, MachineConfig.KEY, MachineConfig.KEY,
                MachineConfig.class));
    }

    private PreBootConfig withMachine(MachineConfig machine) {
        machine.toMachine();
        return new PreBootConfig(model.withMachineConfig(machine), workingDir);
    }

    /**
     * {@code PUT /drives/{id}}: adds the drive, or replaces the one with the same id in its place.
     * The body's {@code drive_id} must be {@code id} (Firecracker: "The id from the path does not
     * match the id from the body!"); the image must be a readable file, writable unless read-only.
     */
    public PreBootConfig withDrive(String id, byte[] body) {
        String at = KeyPath.key(DriveConfig.KEY, id);
        DriveConfig drive = ConfigJson.read(body, at, at, DriveConfig.class);
        if (!drive.driveId().equals(id)) {
            throw ConfigException.at(KeyPath.key(at, DriveConfig.DRIVE_ID), Show.quote(drive.driveId())
                    + " does not match the id in the path, " + Show.quote(id));
        }
        drive.toDrive(at, workingDir);
        return new PreBootConfig(model.withDrives(put(model.drives(), drive, DriveConfig::driveId)), workingDir);
    }

    /** A running drive's new image, and the config that records it. */
    public record DriveChange(PreBootConfig config, Path image) {}

    /**
     * {@code PATCH /drives/{id}} on a running VM: the drive's new image, checked as
     * {@code PUT /drives} checks one (a readable file, writable unless the drive is read-only).
     * The body's {@code drive_id} must be {@code id}, a drive the config has.
     */
    public DriveChange withDriveImage(String id, byte[] body) {
        String at = KeyPath.key(DriveConfig.KEY, id);
        DrivePatch patch = ConfigJson.read(body, at, at, DrivePatch.class);
        if (patch.driveId() == null) {
            throw ConfigException.at(KeyPath.key(at, DriveConfig.DRIVE_ID), "missing required key");
        }
        if (!patch.driveId().equals(id)) {
            throw ConfigException.at(KeyPath.key(at, DriveConfig.DRIVE_ID), Show.quote(patch.driveId())
                    + " does not match the id in the path, " + Show.quote(id));
        }
        if (patch.rateLimiter() != null) {
            throw ConfigException.at(KeyPath.key(at, DriveConfig.RATE_LIMITER), "rate limiting is not supported");
        }
        DriveConfig drive = model.drives().stream().filter(d -> d.driveId().equals(id)).findFirst()
                .orElseThrow(() -> ConfigException.at(at, "no such drive"));
        if (patch.pathOnHost() == null) {
            throw ConfigException.at(KeyPath.key(at, "path_on_host"), "missing required key (the new image)");
        }
        DriveConfig changed = drive.withPathOnHost(patch.pathOnHost());
        Path image = changed.toDrive(at, workingDir).pathOnHost();
        return new DriveChange(new PreBootConfig(model.withDrives(put(model.drives(), changed, DriveConfig::driveId)),
                workingDir), image);
    }

    /**
     * {@code PUT /network-interfaces/{id}}: adds the interface, or replaces the one with the same
     * id in its place. The body's {@code iface_id} must be {@code id}; the TAP must exist.
     */
    public PreBootConfig withNetworkInterface(String id, byte[] body) {
        String at = KeyPath.key(NetworkInterfaceConfig.KEY, id);
        NetworkInterfaceConfig net = ConfigJson.read(body, at, at, NetworkInterfaceConfig.class);
        if (net.ifaceId() != null && !net.ifaceId().equals(id)) {
            throw ConfigException.at(KeyPath.key(at, NetworkInterfaceConfig.IFACE_ID), Show.quote(net.ifaceId())
                    + " does not match the id in the path, " + Show.quote(id));
        }
        net.toNetworkInterface(at);
        return new PreBootConfig(model.withNetworkInterfaces(put(model.networkInterfaces(), net,
                NetworkInterfaceConfig::ifaceId)), workingDir);
    }

    /** {@code PUT /vsock}: attaches (or replaces) the virtio-vsock device. */
    public PreBootConfig withVsock(byte[] body) {
        VsockConfig vsock = ConfigJson.read(body, VsockConfig.KEY, VsockConfig.KEY, VsockConfig.class);
        vsock.toVsock(workingDir);
        return new PreBootConfig(model.withVsock(vsock), workingDir);
    }

    /**
     * {@code PUT /logger}: checks the settings and points the log there at once (as Firecracker
     * does).
     */
    public PreBootConfig withLogger(byte[] body, LogTarget target) {
        LoggerConfig logger = ConfigJson.read(body, LoggerConfig.KEY, LoggerConfig.KEY, LoggerConfig.class);
        logger.apply(workingDir, target);
        return new PreBootConfig(model.withLogger(logger), workingDir);
    }

    /**
     * {@code PUT /metrics}: checks the path; the caller opens the metrics file there
     * ({@link #metricsPath()}).
     */
    public PreBootConfig withMetrics(byte[] body) {
        MetricsConfig metrics = ConfigJson.read(body, MetricsConfig.KEY, MetricsConfig.KEY, MetricsConfig.class);
        metrics.toPath(workingDir);
        return new PreBootConfig(model.withMetrics(metrics), workingDir);
    }

    /** Where the {@code metrics} section says to write metrics, checked; empty without one. */
    public Optional<Path> metricsPath() {
        return Optional.ofNullable(model.metrics()).map(m -> m.toPath(workingDir));
    }

    /** A config file's {@code logger} section, if it has one, applied as {@link #withLogger} does. */
    public void applyLogger(LogTarget target) {
        if (model.logger() != null) {
            model.logger().apply(workingDir, target);
        }
    }

    /** {@code items} with {@code item} in place of the one with its id, or added at the end. */
    private static <T> List<T> put(List<T> items, T item, Function<T, String> id) {
        List<T> out = new ArrayList<>(items);
        int same = out.stream().map(id).toList().indexOf(id.apply(item));
        if (same >= 0) {
            out.set(same, item);
        } else {
            out.add(item);
        }
        return out;
    }

    /** {@code PUT /entropy}: attaches a virtio-rng device. */
    public PreBootConfig withEntropy(byte[] body) {
        EntropyConfig entropy = ConfigJson.read(body, EntropyConfig.KEY, EntropyConfig.KEY, EntropyConfig.class);
        entropy.toEntropy();
        return new PreBootConfig(model.withEntropy(entropy), workingDir);
    }

    /** {@code GET /machine-config}: the machine, Firecracker's defaults filled in. */
    public String machineConfigJson() {
        return ConfigJson.write(machine().withDefaults());
    }

    /**
     * {@code GET /vm/config}: the whole config as a config file holds it, the machine with its
     * defaults filled in; sections not given are left out.
     */
    public String json() {
        return ConfigJson.write(model.withMachineConfig(machine().withDefaults()));
    }

    /** The config to boot ({@code InstanceStart}), checked whole; a missing boot source is refused. */
    public VmConfig toVmConfig() {
        if (model.bootSource() == null) {
            throw ConfigException.at(BootSourceConfig.KEY, "missing: give one (PUT /boot-source) before InstanceStart");
        }
        return model.toVmConfig(workingDir);
    }

    private MachineConfig machine() {
        return model.machineConfig() == null ? MachineConfig.DEFAULT : model.machineConfig();
    }
}
