package dev.panamax.vcpu;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where a VM's vCPU threads wait while it is paused; one gate per VM, shared by its
 * {@link VcpuLoop}s. {@link #pause} asks for the pause, kicks every vCPU out of KVM_RUN and returns
 * once each one waits here, outside the guest; {@link #resume} lets them go on where they stopped.
 *
 * <p>A kick leaves {@code immediate_exit} set, so a kicked vCPU keeps returning from KVM_RUN
 * until it is cleared; only the gate clears it, in {@link #afterKick}, under the gate's lock and
 * never once {@link #release()} ran. A pause is asked for under the same lock before its kick, so
 * a vCPU either sees the request or has cleared the flag before the kick sets it again; and a
 * stop, which releases the gate before kicking, can never be undone by a vCPU clearing the flag.
 * A vCPU only takes the lock when KVM_RUN returned interrupted, so the run loop stays cheap.
 */
public final class PauseGate {
    /** What the gate does with a vCPU as it parks and as it leaves. */
    public interface Parking {
        /** Runs on the vCPU's thread before it waits: e.g. tell the guest it is being paused. */
        void parking();

        /** Runs on the vCPU's thread, under the gate's lock, as it goes back to the guest: clear the kick. */
        void leaving();
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final int vcpus;
    private boolean requested;
    private boolean released;
    private int parked;
    private int ended;

    /** A gate for {@code vcpus} loops; a pause waits for that many to park (or end). */
    public PauseGate(int vcpus) {
        this.vcpus = vcpus;
    }

    /**
     * Parks every vCPU: asks for the pause, runs {@code kickAll} to get each one out of KVM_RUN,
     * and waits until all of them wait in the gate (or ended). Returns false, with nothing
     * paused, when the gate was released (the VM stops) before or meanwhile. Interrupted, it
     * takes the request back before throwing.
     */
    public boolean pause(Runnable kickAll) throws InterruptedException {
        lock.lock();
        try {
            if (released) {
                return false;
            }
            requested = true;
        } finally {
            lock.unlock();
        }
        kickAll.run();
        lock.lock();
        try {
            while (parked + ended < vcpus && !released) {
                changed.await();
            }
            if (released) {
                requested = false;
                return false;
            }
            return true;
        } catch (InterruptedException e) {
            requested = false;
            changed.signalAll();
            throw e;
        } finally {
            lock.unlock();
        }
    }

    /** Lets the parked vCPUs go on; nothing when none is paused. */
    public void resume() {
        lock.lock();
        try {
            requested = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** For good, as the VM stops: parked vCPUs leave at once, pauses fail, and nobody clears a kick any more. */
    public void release() {
        lock.lock();
        try {
            released = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** How many vCPUs wait in the gate now. */
    public int parked() {
        lock.lock();
        try {
            return parked;
        } finally {
            lock.unlock();
        }
    }

    /**
     * On a vCPU thread whose KVM_RUN returned interrupted: waits here while a pause is asked
     * for, then (unless the gate was released) clears the kick through {@code vcpu.leaving()}.
     * Allocates nothing unless it has to wait.
     */
    void afterKick(Parking vcpu) {
        lock.lock();
        try {
            if (requested && !released) {
                vcpu.parking();
                parked++;
                changed.signalAll();
                while (requested && !released) {
                    changed.awaitUninterruptibly();
                }
                parked--;
            }
            if (!released) {
                vcpu.leaving();
            }
        } finally {
            lock.unlock();
        }
    }

    /** On a vCPU thread whose loop ended: pauses no longer wait for it. */
    void ended() {
        lock.lock();
        try {
            ended++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
