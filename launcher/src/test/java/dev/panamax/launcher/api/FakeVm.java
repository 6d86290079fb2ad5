package dev.panamax.launcher.api;

import dev.panamax.vmm.VmState;
import dev.panamax.vmm.VmConfig;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A VM that only remembers what the API asked of it: started configs, pauses, Ctrl+Alt+Dels. */
final class FakeVm implements VmStarter, VmLifecycle {
    final List<VmConfig> started = new CopyOnWriteArrayList<>();
    final AtomicInteger ctrlAltDels = new AtomicInteger();
    /** Thrown by the next start instead of starting, when set. */
    volatile RuntimeException startRefusal;
    /** Thrown by pause and resume, when set, as {@link MicroVmLifecycle} does for now. */
    volatile RuntimeException pauseRefusal;
    private volatile VmState state = VmState.RUNNING;

    @Override
    public VmLifecycle start(VmConfig config) {
        RuntimeException refusal = startRefusal;
        if (refusal != null) {
            startRefusal = null;
            throw refusal;
        }
        started.add(config);
        return this;
    }

    @Override
    public void pause() {
        refuseIfAsked();
        state = VmState.PAUSED;
    }

    @Override
    public void resume() {
        refuseIfAsked();
        state = VmState.RUNNING;
    }

    private void refuseIfAsked() {
        if (pauseRefusal != null) {
            throw pauseRefusal;
        }
    }

    @Override
    public void sendCtrlAltDel() {
        ctrlAltDels.incrementAndGet();
    }

    @Override
    public VmState state() {
        return state;
    }
}
