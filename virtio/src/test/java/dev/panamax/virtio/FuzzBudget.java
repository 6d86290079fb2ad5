package dev.panamax.virtio;

import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.AroundTryHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.TryExecutionResult;
import net.jqwik.api.lifecycle.TryExecutor;
import net.jqwik.api.lifecycle.TryLifecycleContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The fuzz properties' long-run profile and their figures. With {@code -Dpanamax.fuzz.seconds=N}
 * (scripts/fuzz.sh) each property runs random tries for N seconds instead of its CI count. Either
 * way, each property's figures are printed at its end and appended to
 * {@code target/fuzz-figures.tsv}: tries, chains (the virtqueue chains the devices processed,
 * which the properties report through {@link #chains}), failures (a try whose assertions failed:
 * an exception out of device code, a broken invariant), tries slower than {@link #SLOW_TRY_MS}
 * (a loop that is not bounded tightly shows up there; a truly unbounded one hangs the run, which
 * fuzz.sh's timeout reports).
 */
final class FuzzBudget implements AroundPropertyHook, AroundTryHook {
    static final String SECONDS_PROPERTY = "panamax.fuzz.seconds";
    static final long SLOW_TRY_MS = 1000;
    private static final Path FIGURES = Path.of("target", "fuzz-figures.tsv");

    /** Chains processed by the current property's tries; one property runs at a time. */
    private static final LongAdder CHAINS = new LongAdder();
    private static final LongAdder TRIES = new LongAdder();
    private static final LongAdder FAILURES = new LongAdder();
    private static final LongAdder SLOW = new LongAdder();
    private static volatile long deadlineNanos;

    /** Adds {@code n} processed chains to the running property's figure. */
    static void chains(long n) {
        CHAINS.add(n);
    }

    /** Used-ring entries the device published on every queue the driver set up: the chains it completed. */
    static void chainsOf(MockDriver driver) {
        for (DriverQueue q : driver.queues) {
            chains(q.usedIdx());
        }
    }

    /** Put on a class, it applies to the class's properties. */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        long seconds = Long.getLong(SECONDS_PROPERTY, 0);
        if (seconds > 0) {
            context.attributes().setTries(Integer.MAX_VALUE);
            context.attributes().setGeneration(GenerationMode.RANDOMIZED);
            context.attributes().setEdgeCases(EdgeCasesMode.NONE); // MIXIN would list edge cases up to the tries: all of memory
        }
        for (LongAdder a : List.of(CHAINS, TRIES, FAILURES, SLOW)) {
            a.reset();
        }
        long start = System.nanoTime();
        deadlineNanos = seconds > 0 ? start + seconds * 1_000_000_000L : Long.MAX_VALUE;
        PropertyExecutionResult result = property.execute();
        double elapsed = (System.nanoTime() - start) / 1e9;
        String name = context.containerClass().getSimpleName() + "." + context.targetMethod().getName();
        String line = String.join("\t", name, Long.toString(TRIES.sum()), Long.toString(CHAINS.sum()),
                Long.toString(FAILURES.sum()), Long.toString(SLOW.sum()), String.format("%.1f", elapsed),
                result.status().toString());
        System.out.printf("[fuzz] %s: %d tries, %d chains, %d failures, %d tries over %d ms, %.1f s, %s%n", name,
                TRIES.sum(), CHAINS.sum(), FAILURES.sum(), SLOW.sum(), SLOW_TRY_MS, elapsed, result.status());
        try {
            Files.createDirectories(FIGURES.getParent());
            Files.writeString(FIGURES, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    @Override
    public TryExecutionResult aroundTry(TryLifecycleContext context, TryExecutor aTry, List<Object> parameters) {
        long start = System.nanoTime();
        TryExecutionResult result = aTry.execute(parameters);
        long end = System.nanoTime();
        TRIES.increment();
        if (result.isFalsified()) {
            FAILURES.increment();
        }
        if (end - start > SLOW_TRY_MS * 1_000_000) {
            SLOW.increment();
        }
        return end > deadlineNanos && result.isSatisfied() ? TryExecutionResult.satisfied(true) : result;
    }
}
