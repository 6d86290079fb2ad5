package dev.panamax.vcpu;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The gate with threads that stand in for vCPUs: a kick is a flag their loop checks, as KVM_RUN's immediate_exit. */
class PauseGateTest {
    private final List<FakeVcpu> vcpus = new ArrayList<>();

    /** Spins like a guest; a kick makes it leave "KVM_RUN" until the gate clears it. */
    private final class FakeVcpu implements PauseGate.Parking {
        final AtomicBoolean immediateExit = new AtomicBoolean();
        final AtomicLong progress = new AtomicLong();
        final AtomicInteger parkings = new AtomicInteger();
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread thread;

        FakeVcpu(PauseGate gate, int id) {
            thread = Thread.ofPlatform().name("fake-vcpu-" + id).start(() -> {
                try {
                    while (!stop.get()) {
                        if (immediateExit.get()) {
                            gate.afterKick(this);
                        } else {
                            progress.incrementAndGet();
                            Thread.onSpinWait();
                        }
                    }
                } finally {
                    gate.ended();
                }
            });
        }

        @Override
        public void parking() {
            parkings.incrementAndGet();
        }

        @Override
        public void leaving() {
            immediateExit.set(false);
        }

        void kick() {
            immediateExit.set(true);
        }
    }

    private PauseGate gateWith(int n) {
        PauseGate gate = new PauseGate(n);
        for (int i = 0; i < n; i++) {
            vcpus.add(new FakeVcpu(gate, i));
        }
        return gate;
    }

    private void kickAll() {
        vcpus.forEach(FakeVcpu::kick);
    }

    private long[] progress() {
        return vcpus.stream().mapToLong(v -> v.progress.get()).toArray();
    }

    @AfterEach
    void stopThreads() throws InterruptedException {
        for (FakeVcpu v : vcpus) {
            v.stop.set(true);
        }
        for (FakeVcpu v : vcpus) {
            v.thread.join(5_000);
        }
    }

    @Test
    void pauseReturnsWithEveryVcpuParkedAndResumeLetsThemGoOn() throws Exception {
        PauseGate gate = gateWith(3);
        for (int cycle = 0; cycle < 200; cycle++) {
            assertThat(gate.pause(this::kickAll)).isTrue();
            assertThat(gate.parked()).isEqualTo(3);
            long[] atPause = progress();
            Thread.sleep(0, 100_000);
            assertThat(progress()).as("nothing runs while paused").isEqualTo(atPause);
            gate.resume();
        }
        long[] before = progress();
        // every vCPU moves again; a loaded 2-core host may take a while to schedule them all
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!allAhead(progress(), before) && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(progress()).as("running again").satisfies(now -> {
            for (int i = 0; i < now.length; i++) {
                assertThat(now[i]).isGreaterThan(before[i]);
            }
        });
        // a vCPU still on its way out when the next pause comes stays parked, without parking anew
        assertThat(vcpus).allSatisfy(v -> assertThat(v.parkings.get()).isBetween(1, 200));
    }

    private static boolean allAhead(long[] now, long[] before) {
        for (int i = 0; i < now.length; i++) {
            if (now[i] <= before[i]) {
                return false;
            }
        }
        return true;
    }

    @Test
    void aKickWithNoPauseAskedForIsClearedSoTheVcpuDoesNotSpinOnIt() throws Exception {
        gateWith(1);
        FakeVcpu v = vcpus.getFirst();
        v.kick();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (v.immediateExit.get() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(v.immediateExit).isFalse();
        assertThat(v.parkings).hasValue(0);
    }

    @Test
    void releaseFreesParkedVcpusForGoodAndLeavesTheirKickSet() throws Exception {
        PauseGate gate = gateWith(2);
        assertThat(gate.pause(this::kickAll)).isTrue();
        gate.release();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (gate.parked() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(gate.parked()).isZero();
        assertThat(vcpus).allSatisfy(v -> assertThat(v.immediateExit).as("the stop's kick stays").isTrue());
        assertThat(gate.pause(this::kickAll)).as("no pause after release").isFalse();
    }

    @Test
    void pauseDoesNotWaitForVcpusWhoseLoopEnded() throws Exception {
        PauseGate gate = gateWith(2);
        FakeVcpu gone = vcpus.getFirst();
        gone.stop.set(true);
        gone.thread.join(5_000);
        assertThat(gate.pause(this::kickAll)).isTrue();
        assertThat(gate.parked()).isEqualTo(1);
        gate.resume();
    }

    @Test
    void anInterruptedPauseTakesItsRequestBack() throws Exception {
        PauseGate gate = new PauseGate(1); // one vCPU that never comes: the pause waits
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> gate.pause(() -> { })).isInstanceOf(InterruptedException.class);
        FakeVcpu late = new FakeVcpu(gate, 0);
        vcpus.add(late);
        late.kick();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (late.immediateExit.get() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(late.parkings).as("no pause is asked for any more").hasValue(0);
    }
}
