package dev.panamax.vcpu;

import dev.panamax.kvm.VcpuFd;
import dev.panamax.kvm.VmExit;
import dev.panamax.kvm.sys.kvm_h;
import dev.panamax.kvm.sys.kvm_regs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One vCPU's run loop, for its own platform thread: enters the guest, hands port and MMIO
 * exits to the {@link ExitHandler}, and reports the exit that ends the VM to {@code onStop}.
 * The loop allocates nothing per exit. {@link #requestStop()} ends it from any thread; a kick
 * ({@link #kick()}) while its {@link PauseGate} asks for a pause parks it there.
 */
public final class VcpuLoop implements Runnable {
    private final VcpuFd vcpu;
    private final ExitHandler handler;
    private final Consumer<StopReason> onStop;
    private final PauseGate gate;
    private final PauseGate.Parking parking;
    private final ExitCounters exits = new ExitCounters();
    private volatile boolean stopRequested;

    /**
     * @param kvmclockCtrl whether the host has {@code KVM_CAP_KVMCLOCK_CTRL}: then a vCPU that
     *     parks tells its guest so ({@link VcpuFd#markGuestPaused()})
     */
    public VcpuLoop(VcpuFd vcpu, ExitHandler handler, Consumer<StopReason> onStop, PauseGate gate,
            boolean kvmclockCtrl) {
        this.vcpu = vcpu;
        this.handler = handler;
        this.onStop = onStop;
        this.gate = gate;
        this.parking = new PauseGate.Parking() {
            @Override
            public void parking() {
                if (kvmclockCtrl) {
                    vcpu.markGuestPaused();
                }
            }

            @Override
            public void leaving() {
                vcpu.setImmediateExit(false);
            }
        };
    }

    /** Starts the loop on a new platform thread named {@code vcpu-N}. */
    public Thread start() {
        return start(UnaryOperator.identity());
    }

    /** Starts the loop on a new platform thread, {@code vcpu-N} as {@code naming} makes it (the VM's name in it). */
    public Thread start(UnaryOperator<String> naming) {
        return Thread.ofPlatform().name(naming.apply("vcpu-" + vcpu.id())).start(this);
    }

    @Override
    public void run() {
        vcpu.bindToCurrentThread();
        try {
            StopReason reason;
            try {
                reason = loop();
            } catch (RuntimeException e) {
                reason = new StopReason.Failure("vCPU " + vcpu.id() + ": " + e.getMessage());
            }
            if (reason instanceof StopReason.Failure) {
                exits.failures.increment();
            }
            if (reason != null) {
                onStop.accept(reason);
            }
        } finally {
            vcpu.unbindThread();
            gate.ended();
        }
    }

    /** Returns the reason the guest ended, or null when the host asked the loop to stop. */
    private StopReason loop() {
        while (!stopRequested) {
            VmExit exit = vcpu.run();
            switch (exit) {
                case VmExit.Io io -> {
                    (io.isOut() ? exits.ioOut : exits.ioIn).increment();
                    for (int i = 0; i < io.count(); i++) {
                        if (io.isOut()) {
                            handler.pioWrite(io.port(), io.size(), io.value(i));
                        } else {
                            io.setValue(i, handler.pioRead(io.port(), io.size()));
                        }
                    }
                }
                case VmExit.Mmio mmio -> {
                    (mmio.isWrite() ? exits.mmioWrite : exits.mmioRead).increment();
                    if (mmio.isWrite()) {
                        handler.mmioWrite(mmio.address(), mmio.length(), mmio.value());
                    } else {
                        mmio.setValue(handler.mmioRead(mmio.address(), mmio.length()));
                    }
                }
                case VmExit.Interrupted ignored -> {
                    // a kick: park while paused; a stop is the loop condition's
                    gate.afterKick(parking);
                }
                case VmExit.IrqWindowOpen ignored -> {
                }
                case VmExit.Hlt ignored -> {
                    return new StopReason.Shutdown("vCPU " + vcpu.id() + " halted with interrupts off");
                }
                case VmExit.Shutdown ignored -> {
                    return new StopReason.Reset("triple fault on vCPU " + vcpu.id());
                }
                case VmExit.SystemEvent event -> {
                    return switch (event.type()) {
                        case kvm_h.KVM_SYSTEM_EVENT_RESET -> new StopReason.Reset("system event on vCPU " + vcpu.id());
                        case kvm_h.KVM_SYSTEM_EVENT_SHUTDOWN -> new StopReason.Shutdown("system event on vCPU " + vcpu.id());
                        default -> new StopReason.Failure("vCPU " + vcpu.id() + ": system event " + event.type());
                    };
                }
                case VmExit.FailEntry f -> {
                    return new StopReason.Failure("vCPU " + vcpu.id() + ": KVM could not enter the guest (hardware reason 0x"
                            + Long.toHexString(f.hardwareReason()) + ")");
                }
                case VmExit.InternalError e -> {
                    return new StopReason.Failure("vCPU " + vcpu.id() + ": KVM internal error, suberror " + e.suberror()
                            + (e.isEmulationFailure() ? " (emulation failure)" : ""));
                }
                case VmExit.Unknown u -> {
                    return new StopReason.Failure("vCPU " + vcpu.id() + ": unhandled exit reason " + u.reason());
                }
            }
        }
        return null;
    }

    /** This vCPU's exits so far, by kind; from any thread. */
    public ExitCounters exitCounters() {
        return exits;
    }

    /** Where the vCPU is; only once the loop has ended, when no thread runs it. */
    public VcpuSnapshot snapshot() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment regs = kvm_regs.allocate(arena);
            vcpu.getRegs(regs);
            return new VcpuSnapshot(vcpu.id(), kvm_regs.rip(regs), vcpu.mpState());
        }
    }

    /** Ends the loop: the vCPU leaves the guest at once, wherever it is. */
    public void requestStop() {
        stopRequested = true;
        vcpu.kick();
    }

    /** Gets the vCPU out of KVM_RUN at once; with a pause asked for at its gate, it parks there. */
    public void kick() {
        vcpu.kick();
    }
}
