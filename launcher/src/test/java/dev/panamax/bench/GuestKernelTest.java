package dev.panamax.bench;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The stall report's view of the guest kernel: RIPs named by nm's listing, messages out of the printk ring. */
class GuestKernelTest {
    private static final GuestKernel KERNEL = GuestKernel.parse(List.of(
            "0000000000000000 D fixed_percpu_data",
            "ffffffff81000000 T _text",
            "ffffffff810a0000 T default_idle",
            "ffffffff810a0040 T amd_e400_idle",
            "                 U undefined_here"));

    @Test
    void ripIsNamedByTheSymbolAtOrBelowIt() {
        assertThat(KERNEL.name(0xffffffff810a0010L)).isEqualTo("default_idle+0x10");
        assertThat(KERNEL.name(0xffffffff810a0040L)).isEqualTo("amd_e400_idle+0x0");
    }

    @Test
    void addressesBelowTheKernelStayBareNotNamedByPerCpuOffsets() {
        assertThat(KERNEL.name(0x401000L)).isEqualTo("0x401000");
    }

    @Test
    void printkRingTextIsSplitIntoItsMessagesAndTheLastNKept() {
        byte[] ring = new byte[64];
        byte[] a = "Linux version 6.1".getBytes(StandardCharsets.US_ASCII);
        byte[] b = "i8042: PNP".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(a, 0, ring, 8, a.length); // each block starts with an 8-byte id
        System.arraycopy(b, 0, ring, 40, b.length);
        ring[36] = 'x'; // a run shorter than 4 bytes is noise, not a message
        assertThat(GuestKernel.printableRuns(ring, 5)).containsExactly("Linux version 6.1", "i8042: PNP");
        assertThat(GuestKernel.printableRuns(ring, 1)).containsExactly("i8042: PNP");
    }
}
