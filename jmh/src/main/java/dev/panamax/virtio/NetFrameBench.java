package dev.panamax.virtio;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One 1500-byte frame through {@link NetDevice#process}: transmitted (the chain's readable
 * buffers gathered into the device's frame buffer and handed to the backend) or received (a
 * frame from the backend copied into the chain's writable buffers, num_buffers set, used ring
 * published). The backend is a stub that takes every frame and has one waiting per receive,
 * so the figure is the device's side alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NetFrameBench {
    private static final int FRAME = 1500;

    /** Takes every frame; has one of {@link #FRAME} bytes each time {@link #waiting} is set. */
    static final class StubBackend implements NetBackend {
        boolean waiting;

        @Override
        public int readFrame(MemorySegment buffer) {
            if (!waiting) {
                return -1;
            }
            waiting = false;
            return FRAME;
        }

        @Override
        public boolean writeFrame(MemorySegment buffer, int length) {
            return true;
        }

        @Override
        public void setOffloads(Set<Offload> offloads) {
            // Nothing to configure.
        }
    }

    @Param({"tx", "rx"})
    public String direction;

    private final StubBackend backend = new StubBackend();
    private NetDevice net;
    private BenchRing ring;
    private int queueIndex;

    @Setup
    public void ring() throws VirtqueueException {
        boolean rx = direction.equals("rx");
        ring = new BenchRing(FRAME, rx);
        net = new NetDevice("jmh", backend, OptionalLong.empty());
        net.activate(ring.memory, 0, List.of(ring.queue, ring.queue));
        queueIndex = rx ? NetDevice.RX_QUEUE : NetDevice.TX_QUEUE;
    }

    @TearDown
    public void close() {
        ring.close();
    }

    @Benchmark
    public boolean frame() throws VirtqueueException {
        backend.waiting = true;
        ring.offer();
        if (!net.process(queueIndex, ring.queue)) {
            throw new IllegalStateException("the device used no chain");
        }
        return backend.waiting;
    }
}
