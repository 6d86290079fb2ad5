package dev.panamax.bench;

import dev.panamax.memory.GuestMemory;
import dev.panamax.memory.GuestRegion;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The footprint split: pages touched in a guest-RAM-like mapping are counted exactly, untouched ones not. */
class ProcessMemoryTest {
    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void onlyTheTouchedPagesOfARangeAreResident() {
        try (GuestMemory memory = GuestMemory.anonymous(List.of(new GuestMemory.Range(0, 8L << 20)))) {
            GuestRegion region = memory.regions().getFirst();
            ProcessMemory.Range range = new ProcessMemory.Range(region.hostAddress(), region.size());
            assertThat(ProcessMemory.residentKib(SELF, range)).isZero();
            for (long page = 0; page < 300; page++) {
                memory.writeU8(page * 4096 * 5, (byte) 1); // every fifth page: 300 of 2048
            }
            assertThat(ProcessMemory.residentKib(SELF, range)).isEqualTo(300 * 4);
            // the kernel may merge the region with a neighbouring anonymous mapping
            assertThat(ProcessMemory.anonymousMappingsOf(SELF, region.size())).anySatisfy(m -> {
                assertThat(m.start()).isLessThanOrEqualTo(range.start());
                assertThat(m.start() + m.length()).isGreaterThanOrEqualTo(range.start() + range.length());
            });
        }
    }

    @Test
    void theProcessStatusHasItsResidentSetAndThreads() {
        ProcessMemory.Status status = ProcessMemory.status(SELF);
        assertThat(status.rssKib()).isPositive();
        assertThat(status.pssKib()).isPositive().isLessThanOrEqualTo(status.rssKib());
        assertThat(status.threads()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void fileAndNamedMappingsAreNotAnonymous() {
        assertThat(ProcessMemory.anonymous("7f00a0000000-7f00a4000000 rw-p 00000000 00:00 0 "))
                .isEqualTo(new ProcessMemory.Range(0x7f00a0000000L, 0x4000000));
        assertThat(ProcessMemory.anonymous("7f00a0000000-7f00a4000000 rw-p 00000000 00:00 0    [heap]")).isNull();
        assertThat(ProcessMemory.anonymous("55d0c0000000-55d0c0021000 r--p 00000000 08:01 1234 /usr/bin/qemu")).isNull();
    }
}
