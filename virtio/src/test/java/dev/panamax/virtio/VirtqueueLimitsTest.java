package dev.panamax.virtio;

import dev.panamax.memory.GuestMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A Virtqueue driven directly, without a transport: what activation and an indirect table's size may be. */
class VirtqueueLimitsTest {
    private static final int SIZE = 8;
    private static final long DESC = 0x1000;
    private static final long AVAIL = 0x2000;
    private static final long USED = 0x3000;
    private static final long TABLE = 0x10_0000;
    private static final int MAX_INDIRECT = 1 << 16;

    private final GuestMemory memory = GuestMemory.anonymous(List.of(new GuestMemory.Range(0, 4L << 20)));

    @AfterEach
    void close() {
        memory.close();
    }

    private Virtqueue queue(int size, long desc, long avail, long used) {
        Virtqueue q = new Virtqueue(memory, 3, SIZE);
        q.setSize(size);
        q.setDescTable(desc);
        q.setAvailRing(avail);
        q.setUsedRing(used);
        q.setReady(true);
        return q;
    }

    @Test
    void activationSaysWhatTheDriverGotWrong() {
        record Case(Virtqueue queue, String problem) {}
        List<Case> cases = List.of(
                new Case(queue(3, DESC, AVAIL, USED), "size 3 is not a power of 2 in 1..8"),
                new Case(queue(SIZE * 2, DESC, AVAIL, USED), "size 16 is not a power of 2 in 1..8"),
                new Case(queue(SIZE, DESC + 8, AVAIL, USED), "descriptor table at 0x1008 is not 16-byte aligned"),
                new Case(queue(SIZE, DESC, AVAIL + 1, USED), "available ring at 0x2001 is not 2-byte aligned"),
                new Case(queue(SIZE, DESC, AVAIL, USED + 2), "used ring at 0x3002 is not 4-byte aligned"),
                new Case(queue(SIZE, DESC, AVAIL, (4L << 20) - 16), "used ring [0x3ffff0, +0x46) is outside guest RAM"));
        for (Case c : cases) {
            assertThatThrownBy(() -> c.queue().activate(true, true)).as(c.problem())
                    .isInstanceOf(VirtqueueException.class).hasMessage("queue 3: " + c.problem());
            assertThat(c.queue().isActive()).isFalse();
        }
    }

    @Test
    void aGoodLayoutActivates() throws VirtqueueException {
        Virtqueue q = queue(SIZE, DESC, AVAIL, USED);
        q.activate(false, false);
        assertThat(q.isActive()).isTrue();
        assertThat(q.pop()).isNull();
    }

    /** One descriptor pointing at an indirect table of {@code entries}, published as avail entry 0. */
    private Virtqueue withIndirectTable(long entries) throws VirtqueueException {
        Virtqueue q = queue(SIZE, DESC, AVAIL, USED);
        q.activate(true, false);
        DriverQueue.writeDescriptor(memory, DESC, 0, TABLE, (int) (16 * entries), Descriptor.INDIRECT, 0);
        memory.writeU16(AVAIL + 4, (short) 0);
        memory.writeU16Release(AVAIL + 2, (short) 1);
        return q;
    }

    @Test
    void anIndirectTableOfEveryIndexableEntryIsWalkedToItsLastEntry() throws VirtqueueException {
        Virtqueue q = withIndirectTable(MAX_INDIRECT);
        DriverQueue.writeDescriptor(memory, TABLE, 0, 0x8000, 1, Descriptor.NEXT, MAX_INDIRECT - 1);
        DriverQueue.writeDescriptor(memory, TABLE, MAX_INDIRECT - 1, 0x9000, 2, Descriptor.WRITE, 0);
        DescriptorChain chain = q.pop();
        assertThat(chain.toList()).extracting(Descriptor::address).containsExactly(0x8000L, 0x9000L);
    }

    @Test
    void anIndirectTableWithUnreachableEntriesIsRefused() throws VirtqueueException {
        Virtqueue q = withIndirectTable(MAX_INDIRECT + 1);
        DriverQueue.writeDescriptor(memory, TABLE, 0, 0x8000, 1, 0, 0);
        assertThatThrownBy(q::pop).isInstanceOf(VirtqueueException.class).hasMessageContaining("at most 65536 entries");
    }

    /**
     * pop() refills the queue's one chain (no allocation per pop): a chain is valid until the
     * next pop, a copy for as long as its holder likes, and a chain longer than the queue (an
     * indirect table) grows the chain's arrays without losing a buffer.
     */
    @Test
    void popRefillsOneChainAndACopyOutlivesTheNextPop() throws VirtqueueException {
        Virtqueue q = queue(SIZE, DESC, AVAIL, USED);
        q.activate(true, false);
        DriverQueue.writeDescriptor(memory, DESC, 0, 0x8000, 16, Descriptor.NEXT, 1);
        DriverQueue.writeDescriptor(memory, DESC, 1, 0x9000, 32, Descriptor.WRITE, 0);
        int entries = 3 * SIZE;
        for (int i = 0; i < entries; i++) {
            DriverQueue.writeDescriptor(memory, TABLE, i, 0x10000 + 0x100L * i, i + 1,
                    i + 1 < entries ? Descriptor.NEXT : Descriptor.WRITE, i + 1);
        }
        DriverQueue.writeDescriptor(memory, DESC, 2, TABLE, 16 * entries, Descriptor.INDIRECT, 0);
        memory.writeU16(AVAIL + 4, (short) 0);
        memory.writeU16(AVAIL + 6, (short) 2);
        memory.writeU16Release(AVAIL + 2, (short) 2);

        DescriptorChain first = q.pop();
        DescriptorChain kept = first.copy();
        assertThat(first.count()).isEqualTo(2);
        assertThat(first.address(1)).isEqualTo(0x9000L);
        assertThat(first.isWriteOnly(1)).isTrue();
        assertThatThrownBy(() -> first.address(2)).isInstanceOf(IndexOutOfBoundsException.class);

        DescriptorChain second = q.pop();
        assertThat(second).as("the same chain, refilled").isSameAs(first);
        assertThat(second.headIndex()).isEqualTo(2);
        assertThat(second.count()).isEqualTo(entries);
        for (int i = 0; i < entries; i++) {
            assertThat(second.descriptor(i)).isEqualTo(new Descriptor(0x10000 + 0x100L * i, i + 1,
                    i + 1 < entries ? Descriptor.NEXT : Descriptor.WRITE));
        }
        assertThat(second.totalLength(true)).isEqualTo(entries);
        assertThat(second.totalLength(false)).isEqualTo((long) entries * (entries + 1) / 2 - entries);
        assertThat(kept.headIndex()).isZero();
        assertThat(kept.toList()).containsExactly(new Descriptor(0x8000, 16, Descriptor.NEXT),
                new Descriptor(0x9000, 32, Descriptor.WRITE));
    }
}
