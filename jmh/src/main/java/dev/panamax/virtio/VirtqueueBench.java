package dev.panamax.virtio;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The split virtqueue's device side: pop a three-descriptor chain the driver made available
 * (read avail.idx with acquire, the ring entry, walk and check the descriptors) and give it back
 * (write the used element, publish used.idx with release), plus the driver's two stores that
 * offer it again ({@link BenchRing#offer()}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VirtqueueBench {
    private BenchRing ring;

    @Setup
    public void ring() throws VirtqueueException {
        ring = new BenchRing(4096, true);
    }

    @TearDown
    public void close() {
        ring.close();
    }

    /** One request's trip: offered, popped, used and published. */
    @Benchmark
    public int popAndPublish() throws VirtqueueException {
        ring.offer();
        DescriptorChain chain = ring.queue.pop();
        ring.queue.addUsed(chain.headIndex(), 4097);
        return chain.count();
    }

    /** An empty ring looked at: what a spurious notification costs. */
    @Benchmark
    public Object popEmpty() throws VirtqueueException {
        return ring.queue.pop();
    }
}
