package dev.panamax.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/** Reading a VMM's first guest entry out of the host trace's text. */
class HostTraceTest {
    private static final String MARK = "            java-4242    [001] ..... 1201.250000: tracing_mark_write: pmx-bench-start";

    @Test
    void firstEntryAfterTheMarkCountsFromTheMark() {
        List<String> trace = List.of(
                "# tracer: nop",
                "          vcpu-0-77     [000] d.... 1200.000000: kvm_entry: vcpu 0, rip 0xffffffff81000000", // an earlier VM's
                MARK,
                "     d3/vcpu-0-4300     [000] d.... 1201.262500: kvm_entry: vcpu 0, rip 0x1000000",
                "     d3/vcpu-0-4300     [000] d.... 1201.300000: kvm_entry: vcpu 0, rip 0x1000010");
        assertThat(HostTrace.firstEntryAfterMark(trace).orElseThrow()).isCloseTo(0.0125, offset(1e-9));
    }

    @Test
    void noEntryAfterTheMarkIsNoFigure() {
        assertThat(HostTrace.firstEntryAfterMark(List.of(
                "          vcpu-0-77     [000] d.... 1200.000000: kvm_entry: vcpu 0, rip 0xfff0", MARK))).isEmpty();
        assertThat(HostTrace.firstEntryAfterMark(List.of(
                "          vcpu-0-77     [000] d.... 1200.000000: kvm_entry: vcpu 0, rip 0xfff0"))).isEmpty();
    }
}
