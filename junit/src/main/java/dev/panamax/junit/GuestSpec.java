package dev.panamax.junit;

import dev.panamax.vmm.VmConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Guest} boots: a kernel and initramfs whose init starts the agent when the
 * command line says {@code pmx_agent=PORT} (Panamax's test guest, scripts/build-guest.sh, does),
 * the machine's size, kernel arguments added to the ones Guest needs, and how long the guest
 * may take to become ready, the drives it sees and whether it has a virtio-rng device.
 */
public record GuestSpec(Path kernel, Optional<Path> initrd, int cpus, long memMib, String kernelArgs,
                        Duration bootTimeout, int agentPort, List<VmConfig.Drive> drives, boolean entropy) {
    /** Where the agent listens unless told otherwise. */
    public static final int DEFAULT_AGENT_PORT = 1024;
    /** Generous: a nested (TCG) host boots the test guest in seconds, a cold JVM adds its own. */
    public static final Duration DEFAULT_BOOT_TIMEOUT = Duration.ofSeconds(180);
    /** System property naming the folder with the test guest's bzImage and initramfs.cpio.gz. */
    public static final String GUEST_DIR_PROPERTY = "panamax.guest.dir";
    /** Environment variable for the same, when the property is not set. */
    public static final String GUEST_DIR_ENV = "PANAMAX_GUEST_DIR";

    public GuestSpec {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(initrd, "initrd");
        Objects.requireNonNull(kernelArgs, "kernelArgs");
        Objects.requireNonNull(bootTimeout, "bootTimeout");
        drives = List.copyOf(drives);
        if (cpus < 1) {
            throw new IllegalArgumentException("cpus must be at least 1: " + cpus);
        }
        if (agentPort <= 0) {
            throw new IllegalArgumentException("agent port must be positive: " + agentPort);
        }
    }

    /** The guest as before {@code entropy}: no virtio-rng device. */
    public GuestSpec(Path kernel, Optional<Path> initrd, int cpus, long memMib, String kernelArgs,
                     Duration bootTimeout, int agentPort, List<VmConfig.Drive> drives) {
        this(kernel, initrd, cpus, memMib, kernelArgs, bootTimeout, agentPort, drives, false);
    }

    /** {@code kernel} + {@code initrd}, 1 vCPU, 128 MiB. */
    public static GuestSpec of(Path kernel, Path initrd) {
        return new GuestSpec(kernel, Optional.of(initrd), 1, 128, "", DEFAULT_BOOT_TIMEOUT, DEFAULT_AGENT_PORT, List.of());
    }

    /**
     * The guest a Firecracker config declares (read by {@code dev.panamax.config.ConfigFile}): its
     * kernel, initrd, boot arguments (after the ones {@link Guest} needs), vCPUs, memory, drives and
     * entropy device. A config with a vsock device (the guest gets the agent's) or network interfaces
     * is refused.
     */
    public static GuestSpec fromConfig(VmConfig config, String name) {
        if (config.vsock().isPresent()) {
            throw new IllegalArgumentException(name + ": vsock: a test guest has the agent's vsock device; remove the section");
        }
        if (!config.networkInterfaces().isEmpty()) {
            throw new IllegalArgumentException(name + ": network-interfaces: not supported in a test guest yet");
        }
        VmConfig.BootSource boot = config.boot();
        return new GuestSpec(boot.kernelImage(), boot.initrd(), config.machine().vcpuCount(),
                config.machine().memSizeMib(), boot.bootArgs(), DEFAULT_BOOT_TIMEOUT, DEFAULT_AGENT_PORT,
                config.drives(), config.entropy().isPresent());
    }

    /**
     * Panamax's test guest: bzImage and initramfs.cpio.gz from {@value #GUEST_DIR_PROPERTY},
     * else {@value #GUEST_DIR_ENV}, else the first {@code build/guest} found from the working
     * directory upwards (a checkout of Panamax after scripts/build-guest.sh).
     */
    public static GuestSpec testGuest() {
        Path dir = guestDir();
        return of(dir.resolve("bzImage"), dir.resolve("initramfs.cpio.gz"));
    }

    private static Path guestDir() {
        String configured = System.getProperty(GUEST_DIR_PROPERTY, System.getenv(GUEST_DIR_ENV));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("build/guest/bzImage"))) {
                return d.resolve("build/guest");
            }
        }
        throw new IllegalStateException("no test guest: set -D" + GUEST_DIR_PROPERTY + " or " + GUEST_DIR_ENV
                + " to a folder with bzImage and initramfs.cpio.gz (scripts/build-guest.sh makes them)");
    }

    public GuestSpec withCpus(int n) {
        return new GuestSpec(kernel, initrd, n, memMib, kernelArgs, bootTimeout, agentPort, drives, entropy);
    }

    public GuestSpec withMemMib(long mib) {
        return new GuestSpec(kernel, initrd, cpus, mib, kernelArgs, bootTimeout, agentPort, drives, entropy);
    }

    /** These words added to the kernel command line (after the ones Guest needs). */
    public GuestSpec withKernelArgs(String args) {
        return new GuestSpec(kernel, initrd, cpus, memMib, args, bootTimeout, agentPort, drives, entropy);
    }

    public GuestSpec withBootTimeout(Duration t) {
        return new GuestSpec(kernel, initrd, cpus, memMib, kernelArgs, t, agentPort, drives, entropy);
    }

    /** These drives, in order: the guest's /dev/vda, /dev/vdb, ... (the initramfs stays its root). */
    public GuestSpec withDrives(List<VmConfig.Drive> newDrives) {
        return new GuestSpec(kernel, initrd, cpus, memMib, kernelArgs, bootTimeout, agentPort, newDrives, entropy);
    }

    public GuestSpec withAgentPort(int port) {
        return new GuestSpec(kernel, initrd, cpus, memMib, kernelArgs, bootTimeout, port, drives, entropy);
    }

    /** With or without a virtio-rng device ({@code /dev/hwrng}). */
    public GuestSpec withEntropy(boolean on) {
        return new GuestSpec(kernel, initrd, cpus, memMib, kernelArgs, bootTimeout, agentPort, drives, on);
    }
}
