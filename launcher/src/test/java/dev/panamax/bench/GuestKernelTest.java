package dev.panamax.bench;

import dev.panamax.memory.GuestMemory;
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

    /**
     * A printk ring as Linux 6.1 lays it out (4 descriptors, a 256-byte text ring in its second
     * wrap): a record whose block holds bytes past its text_len (printk moved the text down over
     * its level prefix, leaving the old end behind: "availablele"), one still being written, and
     * one whose block would have wrapped, so it lies at the ring's start.
     */
    @Test
    void printkRecordsAreTheirTextLenLongInIdOrderAndOnlyFinishedOnes() {
        long base = 0xffffffff81000000L;
        long phys = 0x100_0000; // the kernel image's physical address for base
        GuestKernel kernel = GuestKernel.parse(List.of(
                "ffffffff81000000 d prb",
                "ffffffff81000100 d printk_rb_static",
                "ffffffff81001000 d _printk_rb_static_descs",
                "ffffffff81002000 d _printk_rb_static_infos",
                "ffffffff81004000 b __log_buf"));
        try (GuestMemory memory = GuestMemory.anonymous(List.of(new GuestMemory.Range(0, 2 * phys)))) {
            long ring = phys + 0x100;
            long descs = phys + 0x1000;
            long infos = phys + 0x2000;
            long data = phys + 0x4000;
            memory.writeU64(phys, base + 0x100);
            memory.writeU32(ring + GuestKernel.RB_COUNT_BITS, 2);
            memory.writeU64(ring + GuestKernel.RB_DESCS, base + 0x1000);
            memory.writeU64(ring + GuestKernel.RB_INFOS, base + 0x2000);
            memory.writeU64(ring + GuestKernel.RB_TAIL_ID, 5);
            memory.writeU64(ring + GuestKernel.RB_HEAD_ID, 8);
            memory.writeU32(ring + GuestKernel.RB_SIZE_BITS, 8);
            memory.writeU64(ring + GuestKernel.RB_DATA, base + 0x4000);
            record Rec(long id, long state, long begin, long next, String block, int textLen) {}
            List<Rec> records = List.of(
                    new Rec(5, GuestKernel.DESC_FINALIZED, 256 + 64, 256 + 96, "Linux version 6.1", 17),
                    new Rec(6, GuestKernel.DESC_FINALIZED, 256 + 96, 256 + 136, "TSC deadline timer availablele", 28),
                    new Rec(7, 0, 256 + 136, 256 + 160, "half writ", 9), // reserved: not yet a message
                    new Rec(8, GuestKernel.DESC_COMMITTED, 256 + 240, 512 + 24, "wrapped one", 11));
            for (Rec r : records) {
                long index = r.id() & 3;
                long desc = descs + GuestKernel.DESC_SIZE * index;
                memory.writeU64(desc, r.state() << GuestKernel.DESC_FLAGS_SHIFT | r.id());
                memory.writeU64(desc + GuestKernel.DESC_BEGIN, r.begin());
                memory.writeU64(desc + GuestKernel.DESC_NEXT, r.next());
                memory.writeU16(infos + GuestKernel.INFO_SIZE * index + GuestKernel.INFO_TEXT_LEN, (short) r.textLen());
                long block = r.begin() >>> 8 == r.next() >>> 8 ? r.begin() & 255 : 0;
                memory.writeU64(data + block, r.id());
                memory.write(data + block + GuestKernel.BLOCK_ID_SIZE, r.block().getBytes(StandardCharsets.US_ASCII));
            }
            assertThat(kernel.printkTail(memory, 10))
                    .containsExactly("Linux version 6.1", "TSC deadline timer available", "wrapped one");
            assertThat(kernel.printkTail(memory, 2)).containsExactly("TSC deadline timer available", "wrapped one");
        }
    }
}
