package dev.panamax.kvm;

/** One {@code kvm_cpuid_entry2}: the registers CPUID returns for a leaf ({@code function}) and subleaf ({@code index}). */
public record CpuidEntry(int function, int index, int flags, int eax, int ebx, int ecx, int edx) {
    /** {@code flags} bit: the subleaf {@code index} is significant. */
    public static final int SIGNIFICANT_INDEX = 1;

    public CpuidEntry withEax(int value) {
        return new CpuidEntry(function, index, flags, value, ebx, ecx, edx);
    }

    public CpuidEntry withEbx(int value) {
        return new CpuidEntry(function, index, flags, eax, value, ecx, edx);
    }

    public CpuidEntry withEcx(int value) {
        return new CpuidEntry(function, index, flags, eax, ebx, value, edx);
    }

    public CpuidEntry withEdx(int value) {
        return new CpuidEntry(function, index, flags, eax, ebx, ecx, value);
    }
}
