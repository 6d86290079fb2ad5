package dev.panamax.launcher;

import java.io.IOException;

/**
 * The host terminal in raw mode while a guest owns the console, so keys (Ctrl-C included) go to
 * the guest unchanged; restored on close. Does nothing when stdin is not a terminal.
 */
final class Terminal implements AutoCloseable {
    private final boolean raw;

    private Terminal(boolean raw) {
        this.raw = raw;
    }

    static Terminal rawIfInteractive(boolean usesStdin) {
        boolean tty = usesStdin && System.console() != null && System.console().isTerminal();
        return new Terminal(tty && stty("raw", "-echo"));
    }

    private static boolean stty(String... settings) {
        String[] command = new String[settings.length + 1];
        command[0] = "stty";
        System.arraycopy(settings, 0, command, 1, settings.length);
        try {
            return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        if (raw) {
            stty("sane");
        }
    }
}
