package dev.panamax.vcpu;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The two rules a snapshot's MSRs follow for the LAPIC's TSC-deadline timer. */
class VcpuStateMsrsTest {
    private static final int STAR = BootMsrs.STAR;

    private static Map<Integer, Long> msrs(long deadline) {
        Map<Integer, Long> m = new LinkedHashMap<>();
        m.put(STAR, 7L);
        m.put(VcpuState.IA32_TSC_DEADLINE, deadline);
        m.put(BootMsrs.IA32_TSC, 123_456L);
        m.put(BootMsrs.LSTAR, 9L);
        return m;
    }

    @Test
    void theDeadlineIsRestoredAfterEveryOtherMsrAndTheTscInParticular() {
        assertThat(List.copyOf(VcpuState.deadlineAfterTsc(msrs(5)).keySet()))
                .containsExactly(STAR, BootMsrs.IA32_TSC, BootMsrs.LSTAR, VcpuState.IA32_TSC_DEADLINE);
        assertThat(VcpuState.deadlineAfterTsc(msrs(5))).containsEntry(VcpuState.IA32_TSC_DEADLINE, 5L);
        assertThat(VcpuState.deadlineAfterTsc(Map.of(STAR, 1L))).containsExactly(Map.entry(STAR, 1L));
    }

    @Test
    void aZeroDeadlineAtThePauseBecomesTheTscSoTheRestoredTimerFires() {
        assertThat(VcpuState.withDeadlineRearmed(msrs(0))).containsEntry(VcpuState.IA32_TSC_DEADLINE, 123_456L)
                .containsEntry(BootMsrs.IA32_TSC, 123_456L).hasSize(4);
        assertThat(VcpuState.withDeadlineRearmed(msrs(999_999))).containsEntry(VcpuState.IA32_TSC_DEADLINE, 999_999L);
        Map<Integer, Long> noDeadline = Map.of(BootMsrs.IA32_TSC, 5L);
        assertThat(VcpuState.withDeadlineRearmed(noDeadline)).isSameAs(noDeadline);
    }
}
