package dev.panamax.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MpTableTest {
    private static final int TABLE = MpTable.FLOATING_POINTER_SIZE;

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 32})
    void describesEveryVcpuTheIoapicAndTheInterruptWiring(int vcpus) {
        byte[] bytes = MpTable.build(vcpus);
        ByteBuffer b = TestImages.le(bytes);

        assertThat(bytes.length).isLessThanOrEqualTo(0xa0000 - 0x9fc00);
        // Floating pointer structure.
        assertThat(ascii(bytes, 0, 4)).isEqualTo("_MP_");
        assertThat(b.getInt(4)).isEqualTo(0x9fc00 + TABLE);
        assertThat(b.get(8)).isEqualTo((byte) 1);
        assertThat(b.get(9)).isEqualTo((byte) 4);
        assertThat(sum(bytes, 0, TABLE)).isZero();
        // Configuration table header.
        assertThat(ascii(bytes, TABLE, 4)).isEqualTo("PCMP");
        int length = Short.toUnsignedInt(b.getShort(TABLE + 4));
        assertThat(TABLE + length).isEqualTo(bytes.length);
        assertThat(b.get(TABLE + 6)).isEqualTo((byte) 4);
        assertThat(ascii(bytes, TABLE + 8, 8)).isEqualTo("PANAMAX ");
        assertThat(b.getInt(TABLE + 36)).isEqualTo(0xfee0_0000);
        assertThat(sum(bytes, TABLE, length)).isZero();

        List<int[]> cpus = new ArrayList<>();
        List<int[]> intsrc = new ArrayList<>();
        List<int[]> lintsrc = new ArrayList<>();
        int entries = 0;
        int at = TABLE + MpTable.HEADER_SIZE;
        while (at < bytes.length) {
            entries++;
            switch (bytes[at]) {
                case MpTable.MP_PROCESSOR -> {
                    cpus.add(new int[] {bytes[at + 1], bytes[at + 2], bytes[at + 3], b.getInt(at + 4), b.getInt(at + 8)});
                    at += MpTable.PROCESSOR_SIZE;
                }
                case MpTable.MP_BUS -> {
                    assertThat(bytes[at + 1]).isZero();
                    assertThat(ascii(bytes, at + 2, 6)).isEqualTo("ISA   ");
                    at += MpTable.BUS_SIZE;
                }
                case MpTable.MP_IOAPIC -> {
                    assertThat(bytes[at + 1]).isEqualTo((byte) vcpus);
                    assertThat(bytes[at + 2]).isEqualTo((byte) 0x11);
                    assertThat(bytes[at + 3]).isEqualTo((byte) 1);
                    assertThat(b.getInt(at + 4)).isEqualTo(0xfec0_0000);
                    at += MpTable.IOAPIC_SIZE;
                }
                case MpTable.MP_INTSRC -> {
                    intsrc.add(new int[] {bytes[at + 1], b.getShort(at + 2), bytes[at + 4], bytes[at + 5], bytes[at + 6],
                            bytes[at + 7]});
                    at += MpTable.INTSRC_SIZE;
                }
                case MpTable.MP_LINTSRC -> {
                    lintsrc.add(new int[] {bytes[at + 1], Byte.toUnsignedInt(bytes[at + 6]), bytes[at + 7]});
                    at += MpTable.LINTSRC_SIZE;
                }
                default -> throw new AssertionError("unknown MP entry type " + bytes[at] + " at " + at);
            }
        }
        assertThat(at).isEqualTo(bytes.length);
        assertThat(Short.toUnsignedInt(b.getShort(TABLE + 34))).isEqualTo(entries);

        assertThat(cpus).hasSize(vcpus);
        for (int i = 0; i < vcpus; i++) {
            int[] cpu = cpus.get(i);
            assertThat(cpu[0]).as("APIC id").isEqualTo(i);
            assertThat(cpu[1]).as("APIC version").isEqualTo(0x14);
            assertThat(cpu[2]).as("flags").isEqualTo(i == 0 ? 3 : 1);
            assertThat(cpu[3]).isEqualTo(0x600);
            assertThat(cpu[4]).isEqualTo(0x201);
        }
        assertThat(intsrc).hasSize(24);
        for (int pin = 0; pin < 24; pin++) {
            // type INT, conforming flags, ISA bus 0, IRQ pin -> IOAPIC (id vcpus) pin
            assertThat(intsrc.get(pin)).containsExactly(0, 0, 0, pin, vcpus, pin);
        }
        assertThat(lintsrc).containsExactly(new int[] {3, 0xff, 0}, new int[] {1, 0xff, 1});
    }

    @Test
    void thirtyTwoVcpusFitAndThirtyEightDoNot() {
        assertThat(MpTable.maxVcpus()).isEqualTo(37);
        assertThat(MpTable.size(32)).isLessThanOrEqualTo(1024);
        assertThat(MpTable.size(MpTable.maxVcpus() + 1)).isGreaterThan(1024);
        assertThatThrownBy(() -> MpTable.build(38))
                .isInstanceOf(BootException.class)
                .hasMessage("vCPU count 38 is not in 1..37, the most the MP table at [0x9fc00, 0xa0000) can describe");
        assertThatThrownBy(() -> MpTable.build(0)).isInstanceOf(BootException.class);
    }

    static int sum(byte[] bytes, int from, int length) {
        int s = 0;
        for (int i = from; i < from + length; i++) {
            s += bytes[i];
        }
        return s & 0xff;
    }

    private static String ascii(byte[] bytes, int from, int length) {
        return new String(bytes, from, length, StandardCharsets.US_ASCII);
    }
}
