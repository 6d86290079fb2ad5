package dev.panamax.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The stall report's host view: the interrupt rows that stop a running guest, summed over CPUs. */
class JvmThreadsTest {
    @Test
    void interruptRowsAreSummedOverCpusAndDeviceRowsIgnored() {
        List<String> proc = List.of(
                "           CPU0       CPU1       ",
                " 26:          0          9  IO-APIC   4-edge      ttyS0",
                "LOC:   17342862   16738235   Local timer interrupts",
                "RES:        100         23   Rescheduling interrupts",
                "CAL:          5          6   Function call interrupts",
                "TLB:          0          7   TLB shootdowns",
                "ERR:          0");
        assertThat(JvmThreads.interruptTotals(proc)).containsExactly(
                java.util.Map.entry("LOC", 34081097L), java.util.Map.entry("RES", 123L),
                java.util.Map.entry("CAL", 11L), java.util.Map.entry("TLB", 7L));
    }

    @Test
    void aThreadsOwnNameIsFoundInTheHostKernelsView() throws Exception {
        Thread t = Thread.ofPlatform().name("jt-probe/vcpu-0").start(() -> {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                // ended by the test
            }
        });
        try {
            assertThat(JvmThreads.kernelView("jt-probe/")).startsWith("[vcpu-0 ").contains(" wchan ");
            assertThat(JvmThreads.cpuOf("jt-probe/")).startsWith("[vcpu-0 ");
        } finally {
            t.interrupt();
            t.join();
        }
    }
}
