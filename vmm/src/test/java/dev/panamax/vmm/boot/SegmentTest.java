package dev.panamax.vmm.boot;

import dev.panamax.vcpu.Segment;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SegmentTest {
    @Test
    void decodesBaseLimitAndFlagsAsKvmSegmentWantsThem() {
        // Base 0x12345678, byte-granular limit 0xabcde, 32-bit data, DPL 3.
        long descriptor = 0x124a_f234_5678_bcdeL;

        assertThat(Segment.fromDescriptor(0x2b, descriptor))
                .isEqualTo(new Segment(0x2b, 0x1234_5678L, 0xabcde, 0x2, 3, true, true, false, false, true));
    }

    @Test
    void pageGranularLimitCoversItsLastPage() {
        assertThat(Segment.fromDescriptor(0x18, BootGdt.DATA).limit()).isEqualTo(0xffff_ffffL);
        assertThat(Segment.fromDescriptor(0x10, 0x0080_9b00_0000_0000L).limit()).isEqualTo(0xfff);
    }

    @Test
    void notPresentIsReported() {
        assertThat(Segment.fromDescriptor(0, 0).present()).isFalse();
    }
}
