package dev.panamax.device;

import java.util.Arrays;

/**
 * Address ranges mapped to devices, looked up by binary search without allocating. Ranges
 * are added while the machine is built and never change once vCPUs run (the arrays are
 * replaced wholesale, so a reader sees either the old or the new set).
 */
public final class Bus {
    private long[] bases = new long[0];
    private long[] ends = new long[0];
    private BusDevice[] devices = new BusDevice[0];

    /** Maps {@code device} at {@code [base, base + length)}; ranges must not overlap. */
    public synchronized void register(long base, long length, BusDevice device) {
        if (length <= 0 || base + length < base) {
            throw new IllegalArgumentException("bad bus range 0x" + Long.toHexString(base) + "+" + length);
        }
        int at = 0;
        while (at < bases.length && bases[at] < base) {
            at++;
        }
        if ((at > 0 && ends[at - 1] > base) || (at < bases.length && bases[at] < base + length)) {
            throw new IllegalArgumentException("bus range 0x" + Long.toHexString(base) + "+" + length
                    + " overlaps a registered device");
        }
        bases = insert(bases, at, base);
        ends = insert(ends, at, base + length);
        BusDevice[] d = Arrays.copyOf(devices, devices.length + 1);
        System.arraycopy(devices, at, d, at + 1, devices.length - at);
        d[at] = device;
        devices = d;
    }

    private static long[] insert(long[] a, int at, long v) {
        long[] r = Arrays.copyOf(a, a.length + 1);
        System.arraycopy(a, at, r, at + 1, a.length - at);
        r[at] = v;
        return r;
    }

    /** Reads from the device at {@code address}, or returns {@code unmapped} when there is none. */
    public long read(long address, int size, long unmapped) {
        int i = find(address);
        return i < 0 ? unmapped : devices[i].read(address - bases[i], size);
    }

    /** Writes to the device at {@code address}; returns false when there is none. */
    public boolean write(long address, int size, long value) {
        int i = find(address);
        if (i < 0) {
            return false;
        }
        devices[i].write(address - bases[i], size, value);
        return true;
    }

    private int find(long address) {
        long[] b = bases;
        int i = Arrays.binarySearch(b, address);
        if (i < 0) {
            i = -i - 2; // the last range starting below address
        }
        return i >= 0 && address < ends[i] ? i : -1;
    }
}
