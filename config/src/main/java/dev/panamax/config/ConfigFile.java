package dev.panamax.config;

import dev.panamax.vmm.VmConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads Firecracker's {@code --config-file} JSON, unchanged, into a {@link VmConfig}, through the
 * config model ({@link FirecrackerConfig}).
 *
 * <p>Understood: {@code boot-source} {kernel_image_path (required), initrd_path, boot_args};
 * {@code machine-config} {vcpu_count, mem_size_mib (both required when the section is present),
 * smt, track_dirty_pages, cpu_template, huge_pages} plus Panamax's {@code cpuid_feature_mask};
 * {@code drives}, an array of {drive_id, is_root_device (both required, as in Firecracker),
 * path_on_host (required here: Firecracker makes it optional only for vhost-user drives),
 * is_read_only (default false), partuuid, cache_type, io_engine, rate_limiter, socket}; and
 * {@code entropy} {rate_limiter}, whose presence (even {@code {}}) attaches a virtio-rng device.
 * Where Panamax differs from Firecracker:
 * <ul>
 *   <li>Unknown keys are refused at every level, the top level included (Firecracker ignores
 *       unknown top-level keys and refuses unknown nested ones).</li>
 *   <li>Firecracker sections Panamax does not implement yet ({@link #NOT_YET_SUPPORTED}) are
 *       refused with {@code KEY: not supported yet} unless absent, null, {@code []} or {@code {}}.</li>
 *   <li>{@code smt: true}, any
 *       {@code cpu_template} but {@code "None"} and any {@code huge_pages} but {@code "None"} are
 *       refused; their Firecracker defaults are accepted so that Firecracker's own example
 *       configs load.</li>
 *   <li>Drives: a non-null {@code partuuid}, {@code rate_limiter} or {@code socket} (vhost-user)
 *       and {@code io_engine: "Async"} are refused; {@code io_engine: "Sync"} is the default.
 *       {@code cache_type} Writeback offers the guest flushes, Unsafe (the default) does not.
 *       {@code path_on_host} must be a readable regular file, and writable unless
 *       {@code is_read_only}. Duplicate {@code drive_id}s, a second root device and too many
 *       drives are {@link VmConfig}'s refusals.</li>
 *   <li>{@code entropy.rate_limiter} must be null or absent.</li>
 *   <li>{@code null} for an optional key means "absent" (Firecracker allows that for some only),
 *       and {@code "drives": null} means no drives.</li>
 * </ul>
 * Like Firecracker, a missing {@code machine-config} means 1 vCPU and 128 MiB, an absent
 * {@code boot_args} means {@link VmConfig.BootSource#DEFAULT_BOOT_ARGS}, and relative kernel,
 * initrd and drive paths are relative to the working directory (Firecracker {@code File::open}s
 * them as given), not to the config file. Every refusal is a {@link ConfigException}.
 */
public final class ConfigFile {
    /** Firecracker top-level keys that later work will implement. */
    public static final List<String> NOT_YET_SUPPORTED = FirecrackerConfig.PENDING;

    /** Config files are small; this bounds what reading a wrong file (or a FIFO) can cost. */
    static final int MAX_BYTES = 1 << 20;

    private ConfigFile() { }

    /** Reads {@code jsonFile}; relative paths inside resolve against the current working directory. */
    public static VmConfig read(Path jsonFile) {
        return read(jsonFile, Path.of("").toAbsolutePath());
    }

    /** Reads {@code jsonFile}; relative paths inside resolve against {@code workingDir}. */
    public static VmConfig read(Path jsonFile, Path workingDir) {
        return model(jsonFile).toVmConfig(workingDir);
    }

    /** Reads {@code jsonFile} into the model, unchecked beyond its JSON types (see {@link FirecrackerConfig}). */
    static FirecrackerConfig model(Path jsonFile) {
        String name = jsonFile.toString();
        return ConfigJson.read(readBytes(jsonFile, name), name, FirecrackerConfig.class);
    }

    /**
     * Parses a config already in memory; {@code name} is what messages call it (e.g. the file name
     * as the user gave it).
     */
    public static VmConfig parse(byte[] json, String name, Path workingDir) {
        return ConfigJson.read(json, name, FirecrackerConfig.class).toVmConfig(workingDir);
    }

    private static byte[] readBytes(Path file, String name) {
        if (Files.isDirectory(file)) {
            throw new ConfigException(name + ": is a directory");
        }
        // Not Files.readAllBytes: a pipe (--config-file <(...)) must work, and a huge file must not.
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new ConfigException(name + ": too large for a config file (over " + (MAX_BYTES >> 20) + " MiB)");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new ConfigException(name + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new ConfigException(name + ": permission denied", e);
        } catch (FileSystemException e) {
            String reason = e.getReason();
            throw new ConfigException(name + ": cannot read" + (reason == null ? "" : ": " + reason), e);
        } catch (IOException e) {
            throw new ConfigException(name + ": cannot read: " + e.getMessage(), e);
        }
    }
}
