package dev.panamax.vcpu;

import dev.panamax.kvm.CpuidEntry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CpuidTest {
    private static final List<CpuidEntry> HOST = List.of(
            new CpuidEntry(0x1, 0, 0, 0x000a0f10, 0x0f100800, 0x7ed8320b, 0x178bfbff),
            new CpuidEntry(0xb, 0, 1, 1, 2, 0x100, 7),
            new CpuidEntry(0xb, 1, 1, 4, 16, 0x201, 7),
            new CpuidEntry(0x4000_0000, 0, 0, 0x4000_0001, 0x4b4d564b, 0x564b4d56, 0x4d));

    private static CpuidEntry leaf(List<CpuidEntry> entries, int function, int index) {
        return entries.stream().filter(e -> e.function() == function && e.index() == index).findFirst().orElseThrow();
    }

    @Test
    void eachVcpuSeesItsOwnApicIdAndTheTopology() {
        for (int i = 0; i < 4; i++) {
            List<CpuidEntry> cpuid = Cpuid.forVcpu(HOST, i, 4, -1L, false);
            assertThat(leaf(cpuid, 1, 0).ebx() >>> 24).isEqualTo(i);
            assertThat((leaf(cpuid, 1, 0).ebx() >>> 16) & 0xff).isEqualTo(4);
            assertThat(leaf(cpuid, 1, 0).edx() & (1 << 28)).as("HTT with several logical CPUs").isNotZero();
            assertThat(leaf(cpuid, 0xb, 0).edx()).isEqualTo(i);
            assertThat(leaf(cpuid, 0xb, 1).ebx()).isEqualTo(4);
            assertThat(leaf(cpuid, 0xb, 1).eax()).as("APIC ID bits for 4 cores").isEqualTo(2);
        }
    }

    @Test
    void hypervisorBitIsSetAndTheHypervisorLeafKept() {
        List<CpuidEntry> cpuid = Cpuid.forVcpu(HOST, 0, 1, -1L, false);
        assertThat(leaf(cpuid, 1, 0).ecx() & (1 << 31)).isNotZero();
        assertThat(leaf(cpuid, 1, 0).edx() & (1 << 28)).as("no HTT for one CPU").isZero();
        assertThat(leaf(cpuid, 0x4000_0000, 0)).isEqualTo(leaf(HOST, 0x4000_0000, 0));
    }

    @Test
    void tscDeadlineTimerIsShownOnlyWhereKvmEmulatesItAndTheMaskMayStillHideIt() {
        int deadline = 1 << 24; // leaf 1 ECX; KVM's supported CPUID never has it (HOST lacks it too)
        assertThat(leaf(Cpuid.forVcpu(HOST, 0, 1, -1L, true), 1, 0).ecx() & deadline).isNotZero();
        assertThat(leaf(Cpuid.forVcpu(HOST, 0, 1, -1L, false), 1, 0).ecx() & deadline).isZero();
        long noDeadline = ~(1L << (32 + 24));
        assertThat(leaf(Cpuid.forVcpu(HOST, 0, 1, noDeadline, true), 1, 0).ecx() & deadline).isZero();
        assertThat(leaf(Cpuid.forVcpu(HOST, 0, 1, -1L, true), 1, 0).ecx() & ~deadline)
                .as("the other ECX bits as without it").isEqualTo(leaf(Cpuid.forVcpu(HOST, 0, 1, -1L, false), 1, 0).ecx());
    }

    @Test
    void featureMaskClearsLeafOneBits() {
        long noAvxNoSse2 = ~((1L << (32 + 28)) | (1L << 26)); // ECX.AVX (bit 28), EDX.SSE2 (bit 26)
        CpuidEntry features = leaf(Cpuid.forVcpu(HOST, 0, 1, noAvxNoSse2, false), 1, 0);
        assertThat(features.ecx() & (1 << 28)).isZero();
        assertThat(features.edx() & (1 << 26)).isZero();
        assertThat(features.edx() & 1).as("FPU untouched").isEqualTo(1);
    }
}
