package dev.panamax.vmm.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The host CPU model a snapshot was made on, as CPUID names it (vendor string, family, model).
 * A guest restored on another model would find features gone or changed under it, so a restore
 * refuses one; steppings and microcode may differ.
 */
public record HostCpu(String vendor, int family, int model) {
    public HostCpu {
        Objects.requireNonNull(vendor, "vendor");
    }

    /** This host's CPU, from the kernel's CPUID report ({@code /proc/cpuinfo}, first processor). */
    public static HostCpu current() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/cpuinfo")));
        } catch (IOException e) {
            throw new UncheckedIOException("reading /proc/cpuinfo: " + e.getMessage(), e);
        }
    }

    static HostCpu parse(List<String> cpuinfo) {
        Map<String, String> fields = new HashMap<>();
        for (String line : cpuinfo) {
            if (line.isBlank()) {
                break; // the first processor is enough
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        String vendor = fields.get("vendor_id");
        String family = fields.get("cpu family");
        String model = fields.get("model");
        if (vendor == null || family == null || model == null) {
            throw new IllegalStateException("/proc/cpuinfo names no vendor_id, cpu family and model");
        }
        return new HostCpu(vendor, Integer.parseInt(family), Integer.parseInt(model));
    }

    /** e.g. {@code AuthenticAMD family 25 model 1}. */
    public String describe() {
        return vendor + " family " + family + " model " + model;
    }
}
