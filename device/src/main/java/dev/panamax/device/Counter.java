package dev.panamax.device;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A cumulative metrics counter with one writer at a time: a vCPU thread counting its own exits,
 * or a device counting under its lock. Adding is a plain read and an opaque write (no lock, no
 * atomic instruction, no allocation), so counting costs nothing measurable on the exit path;
 * readers on other threads (a metrics flush) see a recent value, never a torn one.
 */
public final class Counter {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(Counter.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through VALUE
    private long value;

    /** Adds one; only from the counter's one writer. */
    public void increment() {
        add(1);
    }

    /** Adds {@code n}; only from the counter's one writer. */
    public void add(long n) {
        VALUE.setOpaque(this, (long) VALUE.get(this) + n);
    }

    /** The count so far, from any thread. */
    public long get() {
        return (long) VALUE.getOpaque(this);
    }
}
