package dev.panamax.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
        // HotSpot gives the OS thread its name on the thread itself, before run(): until the
        // thread runs, the kernel's view can still lack it
        CountDownLatch running = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().name("jt-probe/vcpu-0").start(() -> {
            running.countDown();
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                // ended by the test
            }
        });
        try {
            assertThat(running.await(5, TimeUnit.SECONDS)).as("the probe thread runs").isTrue();
            assertThat(JvmThreads.kernelView("jt-probe/")).startsWith("[vcpu-0 ").contains(" wchan ");
            assertThat(JvmThreads.cpuOf("jt-probe/")).startsWith("[vcpu-0 ");
        } finally {
            t.interrupt();
            t.join();
        }
    }
}
