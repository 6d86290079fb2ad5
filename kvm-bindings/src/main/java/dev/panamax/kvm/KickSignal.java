package dev.panamax.kvm;

import dev.panamax.kvm.sys.Libc;
import dev.panamax.kvm.sys.Syscall;
import dev.panamax.kvm.sys.sigaction;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The real-time signal that kicks a vCPU thread out of KVM_RUN, as Firecracker does. Its
 * handler must be a C function and Panamax has no C code, so it is libc's {@code abs()}: a
 * pure function that is safe in a signal handler, so delivery does nothing but make the
 * ioctl return EINTR. No SA_RESTART, so the ioctl is not restarted. Installed once per
 * process, when this class initializes; the JVM does not use the real-time signals.
 */
final class KickSignal {
    private KickSignal() {}

    static final int NUMBER = installHandler();

    /** Installs the handler, once; later calls do nothing. */
    static void install() {
        // referencing NUMBER runs the class initializer exactly once
        if (NUMBER <= 0) {
            throw new IllegalStateException("bad kick signal " + NUMBER);
        }
    }

    private static int installHandler() {
        int signal = Libc.sigrtmin();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment action = sigaction.allocate(arena);
            sigaction.sa_handler(action, Libc.functionAddress("abs"));
            sigaction.sa_flags(action, 0);
            MemorySegment state = Libc.allocateCaptureState(arena);
            Syscall.check("sigaction(SIGRTMIN)", Libc.sigaction(state, signal, action, MemorySegment.NULL), state);
        }
        return signal;
    }
}
