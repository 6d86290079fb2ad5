package dev.panamax.vcpu;

import dev.panamax.kvm.CpuidEntry;

import java.util.ArrayList;
import java.util.List;

/**
 * What CPUID returns on one vCPU: the host KVM's supported leaves, with this vCPU's APIC ID,
 * a topology of {@code count} single-threaded cores in one socket, the hypervisor bit, the
 * TSC-deadline timer where KVM emulates it, and the configured feature mask applied to leaf 1.
 */
public final class Cpuid {
    private Cpuid() {}

    static final int LEAF_FEATURES = 0x1;
    static final int LEAF_CACHE_PARAMS = 0x4;
    static final int LEAF_TOPOLOGY = 0xb;
    static final int LEAF_AMD_SIZES = 0x8000_0008;
    private static final int ECX_HYPERVISOR = 1 << 31;
    private static final int ECX_TSC_DEADLINE = 1 << 24;
    private static final int EDX_HTT = 1 << 28;
    private static final int TOPOLOGY_LEVEL_SMT = 1;
    private static final int TOPOLOGY_LEVEL_CORE = 2;

    /**
     * @param featureMask bits cleared here are cleared from leaf 1: ECX in the high 32 bits,
     *                    EDX in the low 32 bits
     * @param tscDeadline whether KVM emulates the LAPIC's TSC-deadline mode ({@code
     *                    KVM_CAP_TSC_DEADLINE_TIMER}, with the in-kernel irqchip), which its
     *                    supported CPUID never shows: the VMM must set the bit, as QEMU and
     *                    Firecracker do. Without it Linux calibrates the LAPIC timer against the
     *                    PIT at boot, and keeps ticking on the PIT if that calibration fails
     */
    public static List<CpuidEntry> forVcpu(List<CpuidEntry> supported, int index, int count, long featureMask,
            boolean tscDeadline) {
        int coreBits = 32 - Integer.numberOfLeadingZeros(Math.max(count - 1, 0));
        List<CpuidEntry> out = new ArrayList<>(supported.size());
        for (CpuidEntry e : supported) {
            out.add(switch (e.function()) {
                case LEAF_FEATURES -> {
                    int ebx = (e.ebx() & 0x0000_ffff) | (index << 24) | (Math.min(count, 255) << 16);
                    int ecx = (e.ecx() | ECX_HYPERVISOR | (tscDeadline ? ECX_TSC_DEADLINE : 0))
                            & (int) (featureMask >>> 32);
                    int edx = (count > 1 ? e.edx() | EDX_HTT : e.edx() & ~EDX_HTT) & (int) featureMask;
                    yield e.withEbx(ebx).withEcx(ecx).withEdx(edx);
                }
                case LEAF_CACHE_PARAMS -> // EAX[31:26]: cores per package - 1
                        e.withEax((e.eax() & 0x03ff_ffff) | ((count - 1) << 26));
                case LEAF_TOPOLOGY -> topology(e, index, count, coreBits);
                case LEAF_AMD_SIZES -> // ECX[7:0]: cores per package - 1; [15:12]: APIC ID bits for them
                        e.withEcx((e.ecx() & ~0xf0ff) | (count - 1) | (coreBits << 12));
                default -> e;
            });
        }
        return out;
    }

    private static CpuidEntry topology(CpuidEntry e, int index, int count, int coreBits) {
        return switch (e.index()) {
            case 0 -> new CpuidEntry(e.function(), 0, e.flags(), 0, 1, (TOPOLOGY_LEVEL_SMT << 8), index);
            case 1 -> new CpuidEntry(e.function(), 1, e.flags(), coreBits, count, 1 | (TOPOLOGY_LEVEL_CORE << 8), index);
            default -> new CpuidEntry(e.function(), e.index(), e.flags(), 0, 0, e.index() & 0xff, index);
        };
    }
}
