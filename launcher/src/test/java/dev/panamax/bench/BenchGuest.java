package dev.panamax.bench;

import dev.panamax.vmm.VmConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The test guest (scripts/build-guest.sh's bzImage and initramfs) as both VMMs boot it in the
 * benchmarks: 1 vCPU, the same kernel command line but for the reboot method each VMM's
 * machine has (Panamax's i8042 pulse, QEMU microvm's triple fault), as boot-time.sh does.
 */
record BenchGuest(Path dir, long memMib, String args) {
    BenchGuest {
        for (String f : List.of("bzImage", "initramfs.cpio.gz")) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new IllegalArgumentException("guest not built: no " + dir.resolve(f) + " (run scripts/build-guest.sh)");
            }
        }
    }

    VmConfig panamax(String name) {
        return new VmConfig(new VmConfig.BootSource(dir.resolve("bzImage"), Optional.of(dir.resolve("initramfs.cpio.gz")),
                args + " reboot=k"), new VmConfig.Machine(1, memMib)).withName(name);
    }

    /** Starts QEMU's microvm machine on this guest, its serial console pumped into {@code console}. */
    Process qemu(String qemu, ConsoleMarker console) {
        List<String> command = new ArrayList<>(List.of(qemu, "-enable-kvm", "-M", "microvm,acpi=off", "-cpu", "host",
                "-m", Long.toString(memMib), "-smp", "1", "-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
                "-serial", "stdio", "-kernel", dir.resolve("bzImage").toString(),
                "-initrd", dir.resolve("initramfs.cpio.gz").toString(), "-append", args + " reboot=t"));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            Thread.ofPlatform().daemon().name("qemu-console-" + p.pid()).start(() -> pump(p.getInputStream(), console));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + qemu, e);
        }
    }

    private static void pump(InputStream in, ConsoleMarker console) {
        byte[] buffer = new byte[4096];
        try (in) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                console.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the process ended; its output is complete as far as the benchmark cares
        }
    }
}
