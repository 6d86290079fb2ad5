package dev.panamax.virtio;

import dev.panamax.memory.GuestMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.BitSet;

/** What a diff snapshot would save: the VMM's dirty pages of region 0, for tests of which writes mark them. */
final class DirtyPages {
    private DirtyPages() {}

    /** Drains region 0's dirty-page bitmap (KVM's layout: bit p of u64 word p / 64), {@code regionSize} bytes long. */
    static BitSet drain(GuestMemory memory, long regionSize) {
        long pages = regionSize / GuestMemory.PAGE_SIZE;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bitmap = arena.allocate(GuestMemory.dirtyBitmapBytes(regionSize), 8);
            memory.drainDirtyPages(0, bitmap);
            BitSet dirty = new BitSet();
            for (int p = 0; p < pages; p++) {
                if ((bitmap.getAtIndex(ValueLayout.JAVA_LONG, p / 64) >>> (p % 64) & 1) != 0) {
                    dirty.set(p);
                }
            }
            return dirty;
        }
    }

    /** The pages {@code [address, address + length)} touches. */
    static BitSet of(long address, long length) {
        BitSet pages = new BitSet();
        pages.set((int) (address / GuestMemory.PAGE_SIZE), (int) ((address + length - 1) / GuestMemory.PAGE_SIZE) + 1);
        return pages;
    }
}
