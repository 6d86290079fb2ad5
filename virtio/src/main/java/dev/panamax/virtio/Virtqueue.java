package dev.panamax.virtio;

import dev.panamax.memory.GuestMemory;
import dev.panamax.memory.GuestMemoryException;

import java.lang.invoke.VarHandle;

/**
 * The device side of one split virtqueue (virtio 1.x, "Split Virtqueues"): the descriptor table,
 * the available ring the driver fills and the used ring the device fills, all in guest memory.
 *
 * <p>Layout, as the driver lays it out (little-endian):
 * <pre>
 * descriptor table  size x {u64 addr, u32 len, u16 flags, u16 next}      16-byte aligned
 * available ring    u16 flags, u16 idx, u16 ring[size], u16 used_event   2-byte aligned
 * used ring         u16 flags, u16 idx, {u32 id, u32 len}[size], u16 avail_event  4-byte aligned
 * </pre>
 *
 * <p>The driver runs on other CPUs concurrently, so the ring indexes are the synchronisation
 * points: avail.idx is read with acquire semantics before the entries it publishes, used.idx is
 * written with release semantics after the element it publishes, and a full fence separates
 * publishing used.idx from reading the driver's interrupt suppression (used_event or
 * avail.flags), as the spec's "Notification Suppression" requires. The indexes and the event
 * fields go through {@link GuestMemory#readU16Acquire} and {@link GuestMemory#writeU16Release}
 * (aligned, so single-copy atomic: the rings' alignment, checked at activation, guarantees it);
 * the store-load order takes a {@link VarHandle#fullFence()}, which acquire/release cannot give.
 *
 * <p>Devices call {@link #pop()} and {@link #addUsed(int, int)} (or {@link #stageUsed} and
 * {@link #publishUsed}) on the transport's processing
 * thread; everything else is the transport's, under its locks. Not thread-safe on its own.
 *
 * <p>The steady state allocates nothing: {@link #pop()} refills the one {@link DescriptorChain}
 * the queue owns, so a popped chain is valid only until the next pop on this queue (or its
 * reset or activation). Errors (a {@link VirtqueueException} with its message) allocate.
 */
public final class Virtqueue {
    /** The largest queue the split layout allows (virtio 1.x: Queue Size is at most 32768). */
    static final int MAX_QUEUE_SIZE = 32768;

    private static final int DESCRIPTOR_SIZE = 16;
    /** VIRTQ_AVAIL_F_NO_INTERRUPT: without EVENT_IDX, the driver does not want interrupts. */
    private static final int AVAIL_F_NO_INTERRUPT = 1;
    private static final int RING_HEADER = 4; // u16 flags + u16 idx
    private static final int USED_ELEMENT_SIZE = 8;
    private static final int DESC_ALIGN = 16;
    private static final int AVAIL_ALIGN = 2;
    private static final int USED_ALIGN = 4;
    /**
     * The largest indirect table: {@code next} is a u16, so entries past 65536 cannot be reached
     * (rust-vmm's virtio-queue likewise refuses tables past u16::MAX entries). It also bounds
     * the walk of a looping table, whose length is otherwise the driver's u32.
     */
    private static final long MAX_INDIRECT_ENTRIES = 1L << 16;
    /** Used lengths are u32, so no chain may describe more bytes than that. */
    private static final long MAX_CHAIN_BYTES = 0xFFFF_FFFFL;
    private static final int U16_MASK = 0xFFFF;

    private final GuestMemory memory;
    private final int index;
    private final int maxSize;
    /** The chain {@link #pop()} refills and returns; sized to the queue at activation. */
    private final DescriptorChain chain = new DescriptorChain(0);

    // What the driver wrote through the transport's queue registers.
    private int size;
    private boolean ready;
    private long descTable;
    private long availRing;
    private long usedRing;

    // Set when the device is activated (DRIVER_OK).
    private boolean active;
    private boolean indirectEnabled;
    private boolean eventIdxEnabled;

    // Device-side progress; free-running u16 counters, as the ring indexes are.
    private int nextAvail;
    /** The next used element to write; used.idx once published. */
    private int nextUsed;
    /** used.idx as last written; behind nextUsed while elements are staged. */
    private int publishedUsed;
    private int signalledUsed;

    Virtqueue(GuestMemory memory, int index, int maxSize) {
        if (maxSize < 1 || maxSize > MAX_QUEUE_SIZE || Integer.bitCount(maxSize) != 1) {
            throw new IllegalArgumentException("queue max size " + maxSize + " is not a power of 2 in 1.." + MAX_QUEUE_SIZE);
        }
        this.memory = memory;
        this.index = index;
        this.maxSize = maxSize;
        reset();
    }

    /** The queue's index within its device. */
    public int index() {
        return index;
    }

    /** The queue size the driver chose (entries in each ring). */
    public int size() {
        return size;
    }

    /** Whether the driver enabled this queue (QueueReady) and the device was activated with it. */
    public boolean isActive() {
        return active;
    }

    /**
     * Pops the next available descriptor chain, or returns {@code null} when the driver has
     * made nothing more available. With EVENT_IDX, finding the ring empty re-arms the driver's
     * notifications (avail_event) and looks once more, so that a buffer added meanwhile is not
     * left without a kick.
     *
     * <p>The chain returned is this queue's own, refilled by every pop: it is valid until the
     * next pop on this queue (or the queue's reset or activation). Copy what must outlive that.
     *
     * @throws VirtqueueException when the ring or the chain breaks the rules; the queue is
     *                            then unusable until the driver resets the device
     */
    public DescriptorChain pop() throws VirtqueueException {
        requireActive();
        try {
            int pending = pending(readAvailIdx());
            if (pending == 0) {
                if (!eventIdxEnabled) {
                    return null;
                }
                // Ask for a kick when the driver publishes anything past what we consumed, then
                // look again: the driver may have published before it could see avail_event.
                memory.writeU16Release(availEventAddress(), (short) nextAvail);
                VarHandle.fullFence();
                pending = pending(readAvailIdx());
                if (pending == 0) {
                    return null;
                }
            }
            int slot = nextAvail & (size - 1);
            int head = memory.readU16(availRing + RING_HEADER + 2L * slot) & U16_MASK;
            DescriptorChain chain = readChain(head);
            nextAvail = (nextAvail + 1) & U16_MASK;
            return chain;
        } catch (GuestMemoryException e) {
            throw new VirtqueueException("queue " + index + ": " + e.getMessage(), e);
        }
    }

    /**
     * Asks the driver to notify on the next buffer it makes available, however many it has made
     * available already: with EVENT_IDX avail_event becomes the driver's avail.idx (without it the
     * driver notifies anyway: the device never sets VIRTQ_USED_F_NO_NOTIFY). For a device that
     * waits until the driver has re-posted a buffer it was given back.
     */
    public void askForKickOnNextAvail() throws VirtqueueException {
        requireActive();
        if (!eventIdxEnabled) {
            return;
        }
        try {
            memory.writeU16Release(availEventAddress(), (short) readAvailIdx());
        } catch (GuestMemoryException e) {
            throw new VirtqueueException("queue " + index + ": " + e.getMessage(), e);
        }
    }

    /**
     * Returns the chain with head {@code headIndex} to the driver, saying that the device wrote
     * {@code writtenLength} bytes (unsigned) into its writable buffers, and publishes it (with
     * any element {@link #stageUsed staged} before it).
     */
    public void addUsed(int headIndex, int writtenLength) throws VirtqueueException {
        stageUsed(headIndex, writtenLength);
        publishUsed();
    }

    /**
     * Writes a used element as {@link #addUsed} does but leaves used.idx alone: the driver sees
     * it only with the next {@link #publishUsed()}, together with every element staged before.
     * For an answer that spans several chains (virtio-net's mergeable receive buffers): a
     * driver polling the ring from another CPU must never see part of it.
     */
    public void stageUsed(int headIndex, int writtenLength) throws VirtqueueException {
        requireActive();
        if (headIndex < 0 || headIndex >= size) {
            throw new VirtqueueException("queue " + index + ": used head " + headIndex + " is not below queue size " + size);
        }
        if (((nextUsed - publishedUsed) & U16_MASK) >= size) {
            throw new VirtqueueException("queue " + index + ": more than " + size + " used elements staged");
        }
        try {
            long element = usedRing + RING_HEADER + (long) USED_ELEMENT_SIZE * (nextUsed & (size - 1));
            memory.writeU32(element, headIndex);
            memory.writeU32(element + 4, writtenLength);
            nextUsed = (nextUsed + 1) & U16_MASK;
        } catch (GuestMemoryException e) {
            throw new VirtqueueException("queue " + index + ": " + e.getMessage(), e);
        }
    }

    /** Publishes the staged used elements: one release store of used.idx after all of them. */
    public void publishUsed() throws VirtqueueException {
        requireActive();
        if (publishedUsed == nextUsed) {
            return;
        }
        try {
            // Release: the elements are visible before the index that publishes them.
            memory.writeU16Release(usedRing + 2, (short) nextUsed);
            publishedUsed = nextUsed;
        } catch (GuestMemoryException e) {
            throw new VirtqueueException("queue " + index + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether the driver wants an interrupt for what was used since the last time this said
     * yes: with EVENT_IDX, whether used.idx moved past used_event ("vring_need_event");
     * without, whether avail.flags lacks NO_INTERRUPT.
     */
    boolean needsInterrupt() throws VirtqueueException {
        requireActive();
        if (publishedUsed == signalledUsed) {
            return false;
        }
        // used.idx was stored before; the driver's suppression state must be loaded after it
        // (store-load order), else both sides can miss each other's update.
        VarHandle.fullFence();
        try {
            if (eventIdxEnabled) {
                int usedEvent = memory.readU16Acquire(usedEventAddress()) & U16_MASK;
                int old = signalledUsed;
                signalledUsed = publishedUsed;
                return ((publishedUsed - usedEvent - 1) & U16_MASK) < ((publishedUsed - old) & U16_MASK);
            }
            signalledUsed = publishedUsed;
            return (memory.readU16Acquire(availRing) & AVAIL_F_NO_INTERRUPT) == 0;
        } catch (GuestMemoryException e) {
            throw new VirtqueueException("queue " + index + ": " + e.getMessage(), e);
        }
    }

    // ---- transport side: queue registers, activation, reset ----

    int maxSize() {
        return maxSize;
    }

    boolean isReady() {
        return ready;
    }

    void setSize(int size) {
        this.size = size;
    }

    void setReady(boolean ready) {
        this.ready = ready;
    }

    void setDescTable(long address) {
        this.descTable = address;
    }

    void setAvailRing(long address) {
        this.availRing = address;
    }

    void setUsedRing(long address) {
        this.usedRing = address;
    }

    long descTable() {
        return descTable;
    }

    long availRing() {
        return availRing;
    }

    long usedRing() {
        return usedRing;
    }

    /**
     * Checks what the driver configured and makes the queue usable: the size must be a power of
     * 2 no larger than the maximum and each ring must be aligned (which the ordered index
     * accesses rely on) and lie inside guest RAM.
     *
     * @throws VirtqueueException saying what is wrong; the queue then stays inactive
     */
    void activate(boolean indirect, boolean eventIdx) throws VirtqueueException {
        if (size < 1 || size > maxSize || Integer.bitCount(size) != 1) {
            throw new VirtqueueException("queue " + index + ": size " + size + " is not a power of 2 in 1.." + maxSize);
        }
        requireArea("descriptor table", descTable, DESC_ALIGN, (long) DESCRIPTOR_SIZE * size);
        requireArea("available ring", availRing, AVAIL_ALIGN, RING_HEADER + 2L * size + 2);
        requireArea("used ring", usedRing, USED_ALIGN, RING_HEADER + (long) USED_ELEMENT_SIZE * size + 2);
        indirectEnabled = indirect;
        eventIdxEnabled = eventIdx;
        // A direct chain has at most `size` buffers; longer (indirect) ones grow it once.
        chain.reserve(size);
        nextAvail = 0;
        nextUsed = 0;
        publishedUsed = 0;
        signalledUsed = 0;
        active = true;
    }

    private void requireArea(String what, long address, int alignment, long length) throws VirtqueueException {
        if (address % alignment != 0) {
            throw new VirtqueueException("queue " + index + ": " + what + " at 0x" + Long.toHexString(address) + " is not "
                    + alignment + "-byte aligned");
        }
        if (!memory.contains(address, length)) {
            throw new VirtqueueException("queue " + index + ": " + what + " [0x" + Long.toHexString(address) + ", +0x"
                    + Long.toHexString(length) + ") is outside guest RAM");
        }
    }

    /** The queue's registers and progress, for a snapshot; the device must not be processing it. */
    TransportState.QueueState saveState() {
        return new TransportState.QueueState(size, ready, descTable, availRing, usedRing, active, nextAvail,
                publishedUsed, signalledUsed);
    }

    /**
     * Takes the registers and progress of {@code saved}; an active queue is checked as activation
     * checks it.
     *
     * @throws VirtqueueException when the saved rings do not fit this queue or guest RAM
     */
    void restoreState(TransportState.QueueState saved, boolean indirect, boolean eventIdx) throws VirtqueueException {
        reset();
        size = saved.size();
        ready = saved.ready();
        descTable = saved.descTable();
        availRing = saved.availRing();
        usedRing = saved.usedRing();
        if (saved.active()) {
            activate(indirect, eventIdx);
            nextAvail = saved.nextAvail() & U16_MASK;
            nextUsed = saved.nextUsed() & U16_MASK;
            publishedUsed = nextUsed;
            signalledUsed = saved.signalledUsed() & U16_MASK;
        }
    }

    /** Back to the reset state (virtio: all queue registers zero, QueueNum back to its maximum). */
    void reset() {
        size = maxSize;
        ready = false;
        descTable = 0;
        availRing = 0;
        usedRing = 0;
        active = false;
        indirectEnabled = false;
        eventIdxEnabled = false;
        nextAvail = 0;
        nextUsed = 0;
        publishedUsed = 0;
        signalledUsed = 0;
    }

    // ---- ring internals ----

    private void requireActive() throws VirtqueueException {
        if (!active) {
            throw new VirtqueueException("queue " + index + " is not active");
        }
    }

    /** avail.idx, with acquire semantics: the ring entries and descriptors it covers are read after it. */
    private int readAvailIdx() {
        return memory.readU16Acquire(availRing + 2) & U16_MASK;
    }

    private int pending(int availIdx) throws VirtqueueException {
        int pending = (availIdx - nextAvail) & U16_MASK;
        if (pending > size) {
            throw new VirtqueueException("queue " + index + ": avail.idx " + availIdx + " is " + pending
                    + " entries ahead of the device's " + nextAvail + ", more than the queue size " + size);
        }
        return pending;
    }

    /**
     * The queue as both sides see it, for a report when something stalls: the driver's avail.idx,
     * flags and used_event beside the device's next avail, staged/published/signalled used and
     * avail_event. Reads guest memory without ordering; never throws.
     */
    public String describe() {
        if (!isActive()) {
            return "q" + index + " inactive";
        }
        try {
            return "q" + index + " size " + size + " avail.idx " + (memory.readU16(availRing + 2) & U16_MASK)
                    + " avail.flags " + (memory.readU16(availRing) & U16_MASK) + " next_avail " + nextAvail
                    + " used.idx " + publishedUsed + (nextUsed != publishedUsed ? " staged " + nextUsed : "")
                    + " signalled " + signalledUsed
                    + (eventIdxEnabled ? " used_event " + (memory.readU16(usedEventAddress()) & U16_MASK)
                    + " avail_event " + (memory.readU16(availEventAddress()) & U16_MASK) : "");
        } catch (RuntimeException e) {
            return "q" + index + " unreadable: " + e.getMessage();
        }
    }

    private long usedEventAddress() {
        return availRing + RING_HEADER + 2L * size;
    }

    private long availEventAddress() {
        return usedRing + RING_HEADER + (long) USED_ELEMENT_SIZE * size;
    }

    /**
     * Walks the chain from {@code head}. An INDIRECT descriptor switches to its table (needs the
     * feature, a non-empty length that is a multiple of 16 and at most {@link #MAX_INDIRECT_ENTRIES}
     * entries, no NEXT, no nesting) and does not count as a buffer itself.
     *
     * <p>The walk visits at most as many descriptors of a table as the table has entries: the
     * walk is deterministic, so a chain that visits more has visited one twice and loops forever,
     * and is refused. For the descriptor table that is the queue size; for an indirect table it
     * is the table's own entry count (its length / 16), not the queue size. The spec (virtio
     * 1.1 2.6.5.3.1, 1.2 2.7.5.3.1) also says a driver must not create a chain longer than the
     * queue size, but Linux (virtqueue_add_split) sizes an indirect table by the request's
     * segment count and checks the queue size only for direct chains, so a virtio-blk request
     * of up to seg_max segments arrives on a ring of any size; QEMU and rust-vmm bound an
     * indirect walk by the table's length too. Refusing such chains would reset the device
     * under an ordinary Linux guest that picked a ring smaller than its requests.
     */
    private DescriptorChain readChain(int head) throws VirtqueueException {
        chain.start(head);
        long table = descTable;
        long tableEntries = size;
        long visited = 0;
        boolean inIndirect = false;
        long totalBytes = 0;
        int next = head;
        while (true) {
            if (next >= tableEntries) {
                throw new VirtqueueException("queue " + index + ": descriptor index " + next + " is outside the "
                        + tableName(inIndirect) + " of " + tableEntries + " entries");
            }
            if (visited == tableEntries) {
                throw new VirtqueueException("queue " + index + ": descriptor chain from head " + head
                        + " visits more than the " + tableEntries + " entries of its " + tableName(inIndirect) + " (a loop)");
            }
            visited++;
            long entry = table + (long) DESCRIPTOR_SIZE * next;
            long address = memory.readU64(entry);
            long length = Integer.toUnsignedLong(memory.readU32(entry + 8));
            int flags = memory.readU16(entry + 12) & U16_MASK;
            next = memory.readU16(entry + 14) & U16_MASK;

            if ((flags & Descriptor.INDIRECT) != 0) {
                if (!indirectEnabled) {
                    throw new VirtqueueException("queue " + index + ": indirect descriptor without VIRTIO_RING_F_INDIRECT_DESC");
                }
                if (inIndirect) {
                    throw new VirtqueueException("queue " + index + ": nested indirect descriptor");
                }
                if ((flags & Descriptor.NEXT) != 0) {
                    throw new VirtqueueException("queue " + index + ": indirect descriptor also has NEXT");
                }
                if (length == 0 || length % DESCRIPTOR_SIZE != 0 || length / DESCRIPTOR_SIZE > MAX_INDIRECT_ENTRIES) {
                    throw new VirtqueueException("queue " + index + ": indirect table length " + length
                            + " is not a non-zero multiple of " + DESCRIPTOR_SIZE + " of at most " + MAX_INDIRECT_ENTRIES
                            + " entries");
                }
                if (!memory.contains(address, length)) {
                    throw new VirtqueueException("queue " + index + ": indirect table [0x" + Long.toHexString(address)
                            + ", +0x" + Long.toHexString(length) + ") is outside guest RAM");
                }
                table = address;
                tableEntries = length / DESCRIPTOR_SIZE;
                visited = 0;
                inIndirect = true;
                next = 0;
                continue;
            }

            totalBytes += length;
            if (totalBytes > MAX_CHAIN_BYTES) {
                throw new VirtqueueException("queue " + index + ": descriptor chain from head " + head
                        + " describes more than 4 GiB");
            }
            chain.add(address, length, flags);
            if ((flags & Descriptor.NEXT) == 0) {
                return chain;
            }
        }
    }

    private static String tableName(boolean indirect) {
        return indirect ? "indirect table" : "descriptor table";
    }
}
