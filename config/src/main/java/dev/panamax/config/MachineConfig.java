package dev.panamax.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import dev.panamax.vmm.VmConfig;

import java.math.BigInteger;

/**
 * Firecracker's {@code machine-config} section, as given: also the body of
 * {@code PUT /machine-config}. {@code cpuid_feature_mask} is Panamax's (see
 * {@link VmConfig.Machine#cpuidFeatureMask()}); null means all features.
 *
 * <p>The counts are unbounded so that any integer a user writes gets {@link VmConfig.Machine}'s
 * range message rather than a different one for numbers too big for a {@code long}. The
 * Firecracker options Panamax lacks are accepted only with their Firecracker defaults (false,
 * {@code "None"} or null), so that Firecracker's own example configs load.
 */
record MachineConfig(
        @JsonProperty(VCPU_COUNT) @JsonSetter(nulls = Nulls.FAIL) BigInteger vcpuCount,
        @JsonProperty(MEM_SIZE_MIB) @JsonSetter(nulls = Nulls.FAIL) BigInteger memSizeMib,
        @JsonProperty(SMT) Boolean smt,
        @JsonProperty(TRACK_DIRTY_PAGES) Boolean trackDirtyPages,
        @JsonProperty(CPU_TEMPLATE) String cpuTemplate,
        @JsonProperty(HUGE_PAGES) String hugePages,
        @JsonProperty("cpuid_feature_mask") FeatureMask cpuidFeatureMask) {
    static final String KEY = "machine-config";
    private static final String VCPU_COUNT = "vcpu_count";
    private static final String MEM_SIZE_MIB = "mem_size_mib";
    private static final String SMT = "smt";
    private static final String TRACK_DIRTY_PAGES = "track_dirty_pages";
    private static final String CPU_TEMPLATE = "cpu_template";
    private static final String HUGE_PAGES = "huge_pages";
    private static final String NONE = "None";

    /** Firecracker's vCPU count when {@code machine-config} is absent. */
    static final int DEFAULT_VCPUS = 1;
    /** Firecracker's {@code DEFAULT_MEM_SIZE_MIB}. */
    static final long DEFAULT_MEM_MIB = 128;
    /** Firecracker's machine when {@code machine-config} is absent. */
    static final MachineConfig DEFAULT = new MachineConfig(BigInteger.valueOf(DEFAULT_VCPUS),
            BigInteger.valueOf(DEFAULT_MEM_MIB));

    /** Just the counts; every option at its default. */
    MachineConfig(BigInteger vcpuCount, BigInteger memSizeMib) {
        this(vcpuCount, memSizeMib, null, null, null, null, null);
    }

    /**
     * As Firecracker's {@code GET /machine-config} shows a machine: the options not given appear
     * with their defaults ({@code smt} and {@code track_dirty_pages} false, {@code huge_pages}
     * {@code "None"}); {@code cpu_template}, deprecated in Firecracker, stays out unless given.
     */
    MachineConfig withDefaults() {
        return new MachineConfig(vcpuCount, memSizeMib, smt == null ? Boolean.FALSE : smt,
                trackDirtyPages == null ? Boolean.FALSE : trackDirtyPages, cpuTemplate,
                hugePages == null ? NONE : hugePages, cpuidFeatureMask);
    }

    /** Refuses what Panamax does not implement, then sizes; range messages are {@link VmConfig.Machine}'s. */
    VmConfig.Machine toMachine() {
        if (Boolean.TRUE.equals(smt)) {
            throw ConfigException.at(KeyPath.key(KEY, SMT), "smt is not supported");
        }
        onlyNone(CPU_TEMPLATE, cpuTemplate);
        onlyNone(HUGE_PAGES, hugePages);
        int vcpus = (int) fit(VCPU_COUNT, vcpuCount, Integer.SIZE, 1, VmConfig.Machine.MAX_VCPUS);
        long mem = fit(MEM_SIZE_MIB, memSizeMib, Long.SIZE, VmConfig.Machine.MIN_MEM_MIB, VmConfig.Machine.MAX_MEM_MIB);
        long mask = cpuidFeatureMask == null ? VmConfig.Machine.ALL_FEATURES : cpuidFeatureMask.bits();
        boolean track = Boolean.TRUE.equals(trackDirtyPages);
        return ConfigException.building(() -> new VmConfig.Machine(vcpus, mem, mask, track));
    }

    /*
     * A value that does not even fit the Java type never reaches VmConfig.Machine, so its message
     * is made here in the same "KEY VALUE is not in LO..HI" shape VmConfig.Machine uses.
     */
    private static long fit(String key, BigInteger value, int bits, long lo, long hi) {
        if (value.bitLength() >= bits) {
            throw new ConfigException(KeyPath.key(KEY, key) + " " + Show.clip(value.toString()) + " is not in "
                    + lo + ".." + hi);
        }
        return value.longValue();
    }

    private static void onlyNone(String key, String value) {
        if (value != null && !value.equals(NONE)) {
            throw ConfigException.at(KeyPath.key(KEY, key), Show.quote(value) + " is not supported (only "
                    + Show.quote(NONE) + ")");
        }
    }
}
