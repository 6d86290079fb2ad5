package dev.panamax.launcher;

import dev.panamax.kvm.sys.Libc;
import dev.panamax.kvm.sys.termios;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * The host terminal in raw mode while a guest owns the console, so keys (Ctrl-C included) go to
 * the guest unchanged; its settings are put back on close. Does nothing when stdin is not a
 * terminal. {@code tcsetattr} rather than running {@code stty}: under the seccomp filter the
 * launcher may start no program, not even to restore the terminal.
 */
final class Terminal implements AutoCloseable {
    private static final int STDIN = 0;

    /** The settings before raw mode, to put back; empty when nothing was changed. */
    private final Optional<MemorySegment> saved;

    private Terminal(Optional<MemorySegment> saved) {
        this.saved = saved;
    }

    static Terminal rawIfInteractive(boolean usesStdin) {
        boolean tty = usesStdin && System.console() != null && System.console().isTerminal();
        if (!tty) {
            return new Terminal(Optional.empty());
        }
        Arena arena = Arena.ofAuto();
        MemorySegment state = Libc.allocateCaptureState(arena);
        MemorySegment before = termios.allocate(arena);
        if (Libc.tcgetattr(state, STDIN, before) != 0) {
            return new Terminal(Optional.empty());
        }
        MemorySegment raw = termios.allocate(arena).copyFrom(before);
        Libc.cfmakeraw(raw);
        boolean changed = Libc.tcsetattr(state, STDIN, Libc.TCSANOW, raw) == 0;
        return new Terminal(changed ? Optional.of(before) : Optional.empty());
    }

    @Override
    public void close() {
        saved.ifPresent(before -> Libc.tcsetattr(Libc.allocateCaptureState(Arena.ofAuto()), STDIN, Libc.TCSANOW, before));
    }
}
