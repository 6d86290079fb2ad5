package dev.panamax.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * One bit per 4 KiB page of a region, set when the VMM writes the page through
 * {@link GuestMemory}: what KVM's dirty log cannot see, since those writes go through the host
 * mapping, not the guest's. The words are laid out as KVM's log is (bit {@code i} of word
 * {@code w} is page {@code 64 w + i}), so one can be OR-ed into the other. Marking is lock-free
 * and allocation-free (device threads mark concurrently); draining is done with the VM paused.
 */
final class DirtyBitmap {
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
    /** KVM's bitmap is an array of host {@code unsigned long}s: little-endian u64 on x86_64. */
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int PAGE_SHIFT = 12;

    private final long[] words;

    DirtyBitmap(long regionSize) {
        words = new long[Math.toIntExact(wordsFor(regionSize))];
    }

    /** The u64 words a bitmap of {@code regionSize} bytes' pages takes (KVM rounds the same way). */
    static long wordsFor(long regionSize) {
        long pages = (regionSize + GuestMemory.PAGE_SIZE - 1) >>> PAGE_SHIFT;
        return (pages + 63) >>> 6;
    }

    /** Marks the pages {@code [offset, offset + length)} of the region touch; {@code length > 0}. */
    void mark(long offset, long length) {
        long first = offset >>> PAGE_SHIFT;
        long last = (offset + length - 1) >>> PAGE_SHIFT;
        for (long w = first >>> 6; w <= last >>> 6; w++) {
            long lo = Math.max(first, w << 6) & 63;
            long hi = Math.min(last, (w << 6) + 63) & 63;
            long bits = (-1L >>> (63 - hi)) & (-1L << lo);
            int i = (int) w;
            // a plain read first: a page already marked (the common case for rings) costs no atomic
            if ((words[i] & bits) != bits) {
                WORDS.getAndBitwiseOr(words, i, bits);
            }
        }
    }

    /**
     * ORs the marks into {@code bitmap} (KVM's layout, at least {@link #wordsFor} words) and
     * clears them here.
     */
    void drainInto(MemorySegment bitmap) {
        for (int i = 0; i < words.length; i++) {
            long bits = (long) WORDS.getAndSet(words, i, 0L);
            if (bits != 0) {
                long at = (long) i * Long.BYTES;
                bitmap.set(WORD, at, bitmap.get(WORD, at) | bits);
            }
        }
    }

    /** Whether page {@code page} of a KVM-layout {@code bitmap} is marked. */
    static boolean isSet(MemorySegment bitmap, long page) {
        return (bitmap.get(WORD, (page >>> 6) * Long.BYTES) & (1L << (page & 63))) != 0;
    }
}
