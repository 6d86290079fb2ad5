package dev.panamax.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import dev.panamax.vmm.VmConfig;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Firecracker's {@code boot-source} section, as given: also the body of {@code PUT /boot-source}.
 *
 * @param kernelImagePath required; relative paths resolve against the working directory
 * @param initrdPath      null for none
 * @param bootArgs        the whole kernel command line, or null for {@link VmConfig.BootSource#DEFAULT_BOOT_ARGS}
 */
record BootSourceConfig(
        @JsonProperty(KERNEL_IMAGE_PATH) @JsonSetter(nulls = Nulls.FAIL) String kernelImagePath,
        @JsonProperty(INITRD_PATH) String initrdPath,
        @JsonProperty("boot_args") String bootArgs) {
    static final String KEY = "boot-source";
    static final String KERNEL_IMAGE_PATH = "kernel_image_path";
    static final String INITRD_PATH = "initrd_path";

    /** The kernel and initrd must be readable regular files. */
    VmConfig.BootSource toBootSource(Path workingDir) {
        Path kernel = HostFile.readable(KeyPath.key(KEY, KERNEL_IMAGE_PATH), kernelImagePath, workingDir);
        Optional<Path> initrd = Optional.ofNullable(initrdPath)
                .map(p -> HostFile.readable(KeyPath.key(KEY, INITRD_PATH), p, workingDir));
        String args = bootArgs == null ? VmConfig.BootSource.DEFAULT_BOOT_ARGS : bootArgs;
        return new VmConfig.BootSource(kernel, initrd, args);
    }
}
