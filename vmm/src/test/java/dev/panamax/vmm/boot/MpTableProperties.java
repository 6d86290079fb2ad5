package dev.panamax.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class MpTableProperties {
    @Property
    void bothChecksumsBalanceAndTheTableFitsBelowTheLegacyHole(@ForAll @IntRange(min = 1, max = 37) int vcpus) {
        byte[] bytes = MpTable.build(vcpus);
        ByteBuffer b = TestImages.le(bytes);
        int tableLength = Short.toUnsignedInt(b.getShort(MpTable.FLOATING_POINTER_SIZE + 4));

        assertThat(MemoryMap.MPTABLE_START + bytes.length).isLessThanOrEqualTo(MemoryMap.LEGACY_HOLE_START);
        assertThat(MpTableTest.sum(bytes, 0, MpTable.FLOATING_POINTER_SIZE)).isZero();
        assertThat(MpTableTest.sum(bytes, MpTable.FLOATING_POINTER_SIZE, tableLength)).isZero();
        assertThat(MpTable.FLOATING_POINTER_SIZE + tableLength).isEqualTo(bytes.length);
        assertThat(bytes.length).isEqualTo(MpTable.size(vcpus));
    }
}
