package dev.panamax.it;

import dev.panamax.device.MetricsGroup;
import dev.panamax.kvm.testing.BootsLinux;
import dev.panamax.vmm.MicroVm;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a boot costs in exits to Panamax, by its own counters ({@link MicroVm#metrics()}): the
 * guest's i8042 and AT keyboard drivers probe the controller without polling it.
 */
@BootsLinux
class BootExitsIT {
    /** The benchmarks' command line: no i8042.noaux, so Linux probes the controller's AUX port too. */
    private static final String ARGS = "console=ttyS0 quiet panic=-1 reboot=k";
    /**
     * Linux 6.1's i8042 probe plus atkbd's (ID, LEDs, rate, enable) take about 80 accesses when
     * each step is answered the first time; with the AUX enable bit ignored they took about 480
     * (the driver read the configuration byte back 100 times), which this bound catches.
     */
    private static final long MAX_I8042_ACCESSES = 150;

    @Test
    void linuxFindsTheKeyboardWithoutPollingTheController() throws Exception {
        try (GuestSession guest = GuestSession.bootWithArgs(ARGS)) {
            MicroVm vm = guest.vm();
            guest.run("for i in 1 2 3 4 5 6 7 8 9 10; do [ -e /sys/bus/serio/drivers/atkbd/serio0 ] && break; sleep 1;"
                    + " done; echo atkbd-bound=$(ls /sys/bus/serio/drivers/atkbd | grep -c serio)", "atkbd-bound=1");
            // the warnings Linux prints when the controller does not answer as it expects
            assertThat(guest.run("echo i8042-warnings=$(dmesg | grep -c -e Keylock -e 'Is this a SiS' -e 'i8042.*timeout')",
                    "i8042-warnings=(\\d+)").group(1)).as("i8042 warnings in dmesg").isEqualTo("0");
            Map<String, Long> i8042 = group(vm.metrics(), "i8042");
            long portIn = sum(vm.metrics(), "vcpu", "exit_io_in");
            long portOut = sum(vm.metrics(), "vcpu", "exit_io_out");
            long accesses = i8042.get("read_count") + i8042.get("write_count");
            System.out.printf("[exits] boot to the shell and two commands: port in %d, port out %d, mmio read %d,"
                    + " mmio write %d; i8042 %d: port 0x64 read %d, written %d; port 0x60 read %d, written %d%n",
                    portIn, portOut, sum(vm.metrics(), "vcpu", "exit_mmio_read"),
                    sum(vm.metrics(), "vcpu", "exit_mmio_write"), accesses, i8042.get("status_read_count"),
                    i8042.get("command_write_count"), i8042.get("data_read_count"), i8042.get("data_write_count"));
            assertThat(accesses).as("i8042 accesses (port exits)").isPositive().isLessThanOrEqualTo(MAX_I8042_ACCESSES);
            guest.reboot(); // reboot=k: the controller's reset command still ends the VM
        }
    }

    private static Map<String, Long> group(List<MetricsGroup> groups, String name) {
        return groups.stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow().counters();
    }

    private static long sum(List<MetricsGroup> groups, String aggregate, String counter) {
        return groups.stream().filter(g -> g.aggregate().equals(aggregate)).mapToLong(g -> g.counters().get(counter)).sum();
    }
}
