package dev.panamax.kvm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A TUN/TAP interface a test makes with iproute2 ({@code ip tuntap add}) and deletes again on
 * {@link #close()}. Making one needs CAP_NET_ADMIN: {@link #canCreate()} says whether this
 * process has it, for tests that assume it.
 */
public final class HostTap implements AutoCloseable {
    private final String name;

    private HostTap(String name) {
        this.name = name;
    }

    /** Makes interface {@code name} in {@code mode} ("tap" or "tun"). */
    public static HostTap create(String name, String mode) {
        ip("tuntap", "add", name, "mode", mode);
        return new HostTap(name);
    }

    /** Gives the interface {@code cidr} (e.g. 172.30.1.1/24) and brings it up. */
    public HostTap up(String cidr) {
        ip("addr", "add", cidr, "dev", name);
        ip("link", "set", name, "up");
        return this;
    }

    public String name() {
        return name;
    }

    /** Whether this process may make interfaces (tries with a throw-away one). */
    public static boolean canCreate() {
        String probe = "pmxprobe" + ProcessHandle.current().pid() % 100_000;
        try {
            create(probe, "tap").close();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A name no other test process on this host uses at the same time: {@code prefix} + pid. */
    public static String uniqueName(String prefix) {
        String name = prefix + ProcessHandle.current().pid() % 100_000;
        if (name.length() > 15) {
            throw new IllegalArgumentException("interface name too long: " + name);
        }
        return name;
    }

    @Override
    public void close() {
        ip("link", "del", name);
    }

    private static void ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", command) + ": interrupted", e);
        }
    }
}
