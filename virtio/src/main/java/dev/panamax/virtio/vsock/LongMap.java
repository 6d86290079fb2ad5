package dev.panamax.virtio.vsock;

import java.util.Objects;

/**
 * A map from {@code long} keys to non-null values that allocates nothing per lookup, put of an
 * existing key or removal (a {@code HashMap<Long, V>} boxes the key of every call): the muxer
 * finds a stream by its port pair once per packet. Open addressing with linear probing in
 * power-of-two tables, Fibonacci hashing (the port pair's halves both reach the index), at most
 * three quarters full, and removal by backward shift (no tombstones, so probe chains never
 * outgrow the entries). It never shrinks, as HashMap does not. Not thread-safe.
 */
final class LongMap<V> {
    private static final int MIN_CAPACITY = 16;
    private static final long GOLDEN = 0x9E37_79B9_7F4A_7C15L;

    private long[] keys;
    /** A null value marks a free slot. */
    private Object[] values;
    /** 64 less log2 of the capacity: the index is the hash's top bits. */
    private int shift;
    private int size;

    LongMap() {
        allocate(MIN_CAPACITY);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        values = new Object[capacity];
        shift = Long.numberOfLeadingZeros(capacity - 1);
    }

    int size() {
        return size;
    }

    private int home(long key) {
        return (int) ((key * GOLDEN) >>> shift);
    }

    /** The slot holding {@code key}, or {@code -1 - (the free slot where it would go)}. */
    private int find(long key) {
        int mask = keys.length - 1;
        for (int i = home(key); ; i = (i + 1) & mask) {
            if (values[i] == null) {
                return -1 - i;
            }
            if (keys[i] == key) {
                return i;
            }
        }
    }

    /** The value of {@code key}, or null. */
    @SuppressWarnings("unchecked")
    V get(long key) {
        int i = find(key);
        return i < 0 ? null : (V) values[i];
    }

    /** Maps {@code key} to {@code value}; returns the value it replaced, or null. */
    @SuppressWarnings("unchecked")
    V put(long key, V value) {
        Objects.requireNonNull(value, "value");
        int i = find(key);
        if (i >= 0) {
            V old = (V) values[i];
            values[i] = value;
            return old;
        }
        if (4 * (size + 1) > 3 * keys.length) {
            grow();
            i = find(key);
        }
        keys[-1 - i] = key;
        values[-1 - i] = value;
        size++;
        return null;
    }

    /** Removes {@code key}; returns its value, or null when it had none. */
    @SuppressWarnings("unchecked")
    V remove(long key) {
        int i = find(key);
        if (i < 0) {
            return null;
        }
        V old = (V) values[i];
        // Backward shift: each later entry of the probe run moves into the hole unless its home
        // lies cyclically after the hole (it would then be found no more), so no run is broken.
        int mask = keys.length - 1;
        int hole = i;
        for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            if (((j - home(keys[j])) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        values[hole] = null;
        size--;
        return old;
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        allocate(2 * oldKeys.length);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != null) {
                int slot = -1 - find(oldKeys[i]);
                keys[slot] = oldKeys[i];
                values[slot] = oldValues[i];
            }
        }
    }
}
