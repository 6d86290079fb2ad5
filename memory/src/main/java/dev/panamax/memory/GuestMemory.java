package dev.panamax.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Guest RAM: anonymous host mappings, one per region, and the only way the VMM touches guest
 * memory. Every access names a guest-physical range that must lie wholly inside one region,
 * else {@link GuestMemoryException}; nothing here can reach host memory outside the mappings,
 * whatever addresses a guest supplies. Regions are {@code MAP_NORESERVE}: the host commits a
 * page only when the guest or the VMM first touches it. A restored VM's RAM is a private
 * (copy-on-write) mapping of a {@link MemoryImage} instead ({@link #privateCopy}).
 *
 * <p>Dirty pages: made with {@code trackDirtyPages}, it marks every page the VMM writes through
 * it (device rings and buffers, one bit per page, see {@link #drainDirtyPages}), because the
 * guest's writes are in KVM's dirty log but these are not. {@link #slice} hands out a writable
 * view, so it marks its pages too, also when the caller only reads them: a page too many in a
 * diff snapshot costs 4 KiB, a page too few a corrupt guest.
 *
 * <p>Knows nothing of KVM: whoever builds the VM registers {@link #regions()} as its memory
 * slots.
 *
 * <p>Thread-safe for concurrent accesses (vCPUs and device threads share it); the mapping
 * lives until {@link #close()}.
 */
public final class GuestMemory implements AutoCloseable {
    /** Guest pages are 4 KiB; region sizes and addresses are multiples of it. */
    public static final long PAGE_SIZE = 4096;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /**
     * An aligned little-endian u16 (coordinates: segment, offset), for the ordered accesses:
     * acquire/release need an aligned layout, and alignment is what makes the access single-copy
     * atomic, so the other side never sees half of an old value and half of a new one.
     */
    private static final VarHandle ORDERED_U16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    /** How much of a region {@link #writeTo} hands the channel at once. */
    private static final long WRITE_SLICE = 1L << 30;

    private final Arena arena;
    private final List<Mapping> mappings;
    private final List<GuestRegion> regions;

    private GuestMemory(Arena arena, List<Mapping> mappings) {
        this.arena = arena;
        this.mappings = mappings;
        this.regions = mappings.stream().map(Mapping::region).toList();
    }

    /** A layout request: {@code size} bytes at guest-physical {@code guestAddress}. */
    public record Range(long guestAddress, long size) {}

    /**
     * Maps anonymous, zeroed memory for each range. Ranges must be page-aligned, non-empty and
     * must not overlap.
     *
     * @throws MappingException if the host will not map that much memory
     */
    public static GuestMemory anonymous(List<Range> ranges) {
        return anonymous(ranges, false);
    }

    /** {@link #anonymous(List)}, marking the pages the VMM writes when {@code trackDirtyPages}. */
    public static GuestMemory anonymous(List<Range> ranges, boolean trackDirtyPages) {
        List<Range> sorted = validated(ranges);
        Arena arena = Arena.ofShared();
        try {
            List<Mapping> mappings = new ArrayList<>();
            for (Range r : sorted) {
                mappings.add(new Mapping(r.guestAddress(), map(arena, r.size()), trackDirtyPages));
            }
            return new GuestMemory(arena, List.copyOf(mappings));
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The ranges in guest-physical order, once checked to be whole pages that do not overlap. */
    private static List<Range> validated(List<Range> ranges) {
        List<Range> sorted = ranges.stream().sorted(Comparator.comparingLong(Range::guestAddress)).toList();
        for (int i = 0; i < sorted.size(); i++) {
            Range r = sorted.get(i);
            if (r.size() <= 0 || r.size() % PAGE_SIZE != 0 || r.guestAddress() % PAGE_SIZE != 0) {
                throw new IllegalArgumentException("guest memory range " + describe(r) + " is not whole pages");
            }
            if (i > 0 && sorted.get(i - 1).guestAddress() + sorted.get(i - 1).size() > r.guestAddress()) {
                throw new IllegalArgumentException("guest memory ranges " + describe(sorted.get(i - 1)) + " and "
                        + describe(r) + " overlap");
            }
        }
        return sorted;
    }

    /**
     * Guest RAM for {@code ranges} (validated as by {@link #anonymous}) backed by {@code image}
     * copy-on-write: the regions, in guest-physical order, lie back to back in the image. Pages
     * are read from it on first touch, so mapping costs the same whatever the RAM size, and
     * the guest's writes stay private: the image is never written.
     *
     * @throws IllegalArgumentException when the image's size is not the ranges' total
     */
    public static GuestMemory privateCopy(List<Range> ranges, MemoryImage image) {
        return privateCopy(ranges, image, false);
    }

    /** {@link #privateCopy(List, MemoryImage)}, marking the pages the VMM writes when {@code trackDirtyPages}. */
    public static GuestMemory privateCopy(List<Range> ranges, MemoryImage image, boolean trackDirtyPages) {
        List<Range> sorted = validated(ranges);
        long total = sorted.stream().mapToLong(Range::size).sum();
        if (image.size() != total) {
            throw new IllegalArgumentException("memory image " + image.name() + " holds " + image.size()
                    + " bytes, the guest's RAM is " + total);
        }
        Arena arena = Arena.ofShared();
        try {
            List<Mapping> mappings = new ArrayList<>();
            long offset = 0;
            for (Range r : sorted) {
                long address = Mmap.privateFile(image.fd(), offset, r.size());
                long size = r.size();
                MemorySegment host = MemorySegment.ofAddress(address)
                        .reinterpret(size, arena, mapping -> Mmap.unmap(address, size));
                mappings.add(new Mapping(r.guestAddress(), host, trackDirtyPages));
                offset += size;
            }
            return new GuestMemory(arena, List.copyOf(mappings));
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Writes every region, in guest-physical order, to {@code out}: the image
     * {@link #privateCopy} maps. The guest must not run meanwhile (a paused VM).
     */
    public void writeTo(WritableByteChannel out) throws IOException {
        for (Mapping m : mappings) {
            // a ByteBuffer holds at most 2 GiB: a large region goes in slices
            for (long offset = 0; offset < m.host().byteSize(); offset += WRITE_SLICE) {
                ByteBuffer buffer = m.host().asSlice(offset, Math.min(WRITE_SLICE, m.host().byteSize() - offset))
                        .asByteBuffer();
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
        }
    }

    /** Whether this memory marks the pages the VMM writes ({@code trackDirtyPages} at creation). */
    public boolean tracksDirtyPages() {
        return mappings.getFirst().dirty() != null;
    }

    /**
     * Bytes of a dirty-page bitmap for a region of {@code regionSize} bytes: one bit per page in
     * u64 words, as {@code KVM_GET_DIRTY_LOG} fills it.
     */
    public static long dirtyBitmapBytes(long regionSize) {
        return DirtyBitmap.wordsFor(regionSize) * Long.BYTES;
    }

    /**
     * ORs the pages of region {@code region} (its index in {@link #regions()}) that the VMM wrote
     * since the last drain into {@code bitmap} (KVM's dirty-log layout, {@link #dirtyBitmapBytes}
     * long), and forgets them here. With the guest paused, so that no device writes meanwhile.
     *
     * @throws IllegalStateException when this memory does not track dirty pages
     */
    public void drainDirtyPages(int region, MemorySegment bitmap) {
        DirtyBitmap dirty = mappings.get(region).dirty();
        if (dirty == null) {
            throw new IllegalStateException("guest memory does not track dirty pages");
        }
        dirty.drainInto(bitmap);
    }

    /**
     * Writes the pages marked in {@code bitmaps} (one per region, in {@link #regions()} order,
     * KVM's dirty-log layout) to {@code out} at their offsets in the image {@link #writeTo}
     * writes, and nothing elsewhere: on a fresh file the rest stay holes. The caller sizes the
     * file. The guest must not run meanwhile.
     *
     * @return the bytes written
     */
    public long writePagesTo(FileChannel out, List<MemorySegment> bitmaps) throws IOException {
        if (bitmaps.size() != mappings.size()) {
            throw new IllegalArgumentException(bitmaps.size() + " bitmaps for " + mappings.size() + " regions");
        }
        long written = 0;
        long imageOffset = 0;
        for (int i = 0; i < mappings.size(); i++) {
            MemorySegment host = mappings.get(i).host();
            MemorySegment bitmap = bitmaps.get(i);
            long pages = host.byteSize() / PAGE_SIZE;
            for (long page = 0; page < pages; ) {
                if (!DirtyBitmap.isSet(bitmap, page)) {
                    page++;
                    continue;
                }
                long run = page;
                while (run < pages && DirtyBitmap.isSet(bitmap, run) && (run - page) * PAGE_SIZE < WRITE_SLICE) {
                    run++;
                }
                ByteBuffer buffer = host.asSlice(page * PAGE_SIZE, (run - page) * PAGE_SIZE).asByteBuffer();
                long at = imageOffset + page * PAGE_SIZE;
                while (buffer.hasRemaining()) {
                    at += out.write(buffer, at);
                }
                written += (run - page) * PAGE_SIZE;
                page = run;
            }
            imageOffset += host.byteSize();
        }
        return written;
    }

    private static String describe(Range r) {
        return "[0x" + Long.toHexString(r.guestAddress()) + ", +0x" + Long.toHexString(r.size()) + ")";
    }

    /** A fresh mapping of {@code size} bytes, unmapped when {@code arena} closes. */
    private static MemorySegment map(Arena arena, long size) {
        long address = Mmap.anonymous(size);
        return MemorySegment.ofAddress(address).reinterpret(size, arena, mapping -> Mmap.unmap(address, size));
    }

    /**
     * The regions, in ascending guest-physical order: what they are and where they are mapped,
     * for registering them with KVM; access still goes through this object.
     */
    public List<GuestRegion> regions() {
        return regions;
    }

    /** Total bytes of guest RAM. */
    public long size() {
        return regions.stream().mapToLong(GuestRegion::size).sum();
    }

    /** Whether {@code [address, address + length)} lies wholly inside one region. */
    public boolean contains(long address, long length) {
        return find(address, length) != null;
    }

    /**
     * Throws {@link GuestMemoryException} unless {@code [address, address + length)} lies wholly
     * inside one region: {@link #contains} for callers that want the error, without a view.
     */
    public void requireInside(long address, long length) {
        mapping(address, length);
    }

    /**
     * New ByteBuffer windows onto guest RAM for channel I/O without an allocation per call,
     * for one owner (a device); see {@link BufferWindows}.
     */
    public BufferWindows bufferWindows() {
        return new BufferWindows(mappings);
    }

    /**
     * The host view of {@code [address, address + length)}, for bulk I/O (device buffers).
     * The slice must not outlive this object.
     */
    public MemorySegment slice(long address, long length) {
        Mapping m = mapping(address, length);
        markDirty(m, address, length);
        return m.slice(address, length);
    }

    /**
     * A read-only view of {@code [address, address + length)}, for buffers the device only reads
     * (a write through it throws): unlike {@link #slice}, it does not mark its pages dirty.
     */
    public MemorySegment readOnlySlice(long address, long length) {
        return view(address, length).asReadOnly();
    }

    /** {@code [address, address + length)} for reading: not marked dirty. */
    private MemorySegment view(long address, long length) {
        return mapping(address, length).slice(address, length);
    }

    static void markDirty(Mapping m, long address, long length) {
        DirtyBitmap dirty = m.dirty();
        if (dirty != null && length > 0) {
            dirty.mark(address - m.region().guestAddress(), length);
        }
    }

    public byte readU8(long address) {
        return view(address, 1).get(ValueLayout.JAVA_BYTE, 0);
    }

    public short readU16(long address) {
        return view(address, 2).get(U16, 0);
    }

    public int readU32(long address) {
        return view(address, 4).get(U32, 0);
    }

    public long readU64(long address) {
        return view(address, 8).get(U64, 0);
    }

    public void writeU8(long address, byte value) {
        slice(address, 1).set(ValueLayout.JAVA_BYTE, 0, value);
    }

    public void writeU16(long address, short value) {
        slice(address, 2).set(U16, 0, value);
    }

    public void writeU32(long address, int value) {
        slice(address, 4).set(U32, 0, value);
    }

    public void writeU64(long address, long value) {
        slice(address, 8).set(U64, 0, value);
    }

    /**
     * Reads the u16 at {@code address} with acquire semantics: no later read or write of this
     * thread moves before it. For a value another CPU publishes with a release store (a virtqueue
     * index), whatever it wrote before publishing is then visible. Lock-free and allocation-free.
     *
     * @throws GuestMemoryException when the two bytes are not inside one region, or the address
     *                              is not 2-byte aligned
     */
    public short readU16Acquire(long address) {
        Mapping m = alignedU16(address);
        return (short) ORDERED_U16.getAcquire(m.host(), address - m.region().guestAddress());
    }

    /**
     * Writes the u16 at {@code address} with release semantics: every earlier read and write of
     * this thread is visible to a CPU that reads the new value with acquire semantics. Lock-free
     * and allocation-free.
     *
     * @throws GuestMemoryException when the two bytes are not inside one region, or the address
     *                              is not 2-byte aligned
     */
    public void writeU16Release(long address, short value) {
        Mapping m = alignedU16(address);
        markDirty(m, address, 2);
        ORDERED_U16.setRelease(m.host(), address - m.region().guestAddress(), value);
    }

    /**
     * The region holding the aligned u16 at {@code address}. Regions start on page boundaries of
     * page-aligned mappings, so a guest address aligned to 2 is a host address aligned to 2.
     */
    private Mapping alignedU16(long address) {
        if ((address & 1) != 0) {
            throw new GuestMemoryException(address, 2, "is not 2-byte aligned");
        }
        return mapping(address, 2);
    }

    /** Copies {@code bytes} into guest memory at {@code address}. */
    public void write(long address, byte[] bytes) {
        MemorySegment.copy(bytes, 0, slice(address, bytes.length), ValueLayout.JAVA_BYTE, 0, bytes.length);
    }

    /**
     * Copies {@code length} bytes of guest memory at {@code address} into {@code into} at
     * {@code offset}; marks nothing dirty. Unlike a copy out of {@link #readOnlySlice}, it makes
     * no segment, so per-packet paths need not rely on escape analysis.
     */
    public void copyTo(long address, MemorySegment into, long offset, long length) {
        Mapping m = mapping(address, length);
        MemorySegment.copy(m.host(), address - m.region().guestAddress(), into, offset, length);
    }

    /**
     * Copies {@code length} bytes of {@code from} at {@code offset} into guest memory at
     * {@code address}, marking its pages dirty; as {@link #copyTo}, it makes no segment.
     */
    public void copyFrom(MemorySegment from, long offset, long address, long length) {
        Mapping m = mapping(address, length);
        markDirty(m, address, length);
        MemorySegment.copy(from, offset, m.host(), address - m.region().guestAddress(), length);
    }

    /** Copies {@code length} bytes of guest memory at {@code address} into a new array. */
    public byte[] read(long address, int length) {
        return view(address, length).toArray(ValueLayout.JAVA_BYTE);
    }

    private Mapping mapping(long address, long length) {
        Mapping m = find(address, length);
        if (m == null) {
            throw new GuestMemoryException(address, length);
        }
        return m;
    }

    private Mapping find(long address, long length) {
        for (int i = 0; i < mappings.size(); i++) { // indexed: per-packet paths make no iterator
            Mapping m = mappings.get(i);
            if (m.region().contains(address, length)) {
                return m;
            }
        }
        return null;
    }

    /** Unmaps guest RAM; the VM using it must be gone first. */
    @Override
    public void close() {
        arena.close();
    }
}
