package dev.panamax.junit;

import dev.panamax.vcpu.VcpuSnapshot;
import dev.panamax.vmm.Console;
import dev.panamax.vmm.MicroVm;
import dev.panamax.vmm.VmConfig;
import dev.panamax.vmm.VmState;
import dev.panamax.vmm.boot.BootProtocol;
import org.testcontainers.lifecycle.Startable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A microVM for a test: boots a {@link GuestSpec} with a vsock device (its Unix socket in a
 * private temporary folder) and {@code pmx_agent=PORT} on the kernel command line, waits for the
 * guest's agent to announce itself on the console, and then runs commands in the guest and
 * copies files in and out through that agent ({@link AgentProtocol}). Any number of threads may
 * call {@link #exec} at once: each call is a connection of its own, a process of its own in the
 * guest.
 *
 * <p>The serial console is kept (lines, and every byte for {@link #awaitConsole}) and handed line
 * by line to the consumers of {@link #withLogConsumer}. It is a Testcontainers {@link Startable},
 * so {@code @Testcontainers} with {@code @Container} can start and stop it, and an
 * {@link AutoCloseable} for try-with-resources; {@link #close()} stops the VM and removes the
 * temporary folder. The guest artifacts are read where they are, never copied.
 */
public final class Guest implements Startable {
    /** What the agent prints once it listens (scripts/guest/pmx-agent.c). */
    static final Pattern AGENT_READY = Pattern.compile("PMX-AGENT-READY port=(\\d+)");
    /** The guest's context ID: every VM has a vsock device of its own, so one CID serves all. */
    static final long GUEST_CID = 3;
    /** The kernel arguments Guest needs: the console on ttyS0, a panic ends the VM at once. */
    static final String BASE_ARGS = "console=ttyS0 quiet panic=-1 reboot=k";
    /** How many console lines a failure report shows. */
    static final int TAIL_LINES = 40;
    /** File copies wait this long for the agent. */
    private static final Duration COPY_TIMEOUT = Duration.ofSeconds(60);

    private final GuestSpec spec;
    private final String id;
    private final ConsoleLog console;
    private final Object lifecycle = new Object();
    private MicroVm vm;
    private Path dir;
    private ScheduledExecutorService timers;
    private AgentClient agent;
    private boolean closed;

    private Guest(GuestSpec spec, String id) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.id = Objects.requireNonNull(id, "id");
        this.console = new ConsoleLog(id + "/console-consumers");
        if (!id.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("guest id must be letters, digits, '.', '_' or '-': " + id);
        }
    }

    /** A guest that boots {@code spec} when {@link #start()}ed; {@code id} names its threads and files. */
    public static Guest create(GuestSpec spec, String id) {
        return new Guest(spec, id);
    }

    /** A guest named after a fresh random number; see {@link #create(GuestSpec, String)}. */
    public static Guest create(GuestSpec spec) {
        return new Guest(spec, "vm-" + Long.toHexString(Double.doubleToLongBits(Math.random()) & 0xffffff));
    }

    /** Creates and starts a guest: ready for {@link #exec} when this returns. */
    public static Guest boot(GuestSpec spec) {
        Guest g = create(spec);
        g.start();
        return g;
    }

    /** Hands every console line to {@code consumer} as the guest prints it, in order, on a thread of the guest's. */
    public Guest withLogConsumer(Consumer<String> consumer) {
        console.addConsumer(Objects.requireNonNull(consumer, "consumer"));
        return this;
    }

    public String id() {
        return id;
    }

    public GuestSpec spec() {
        return spec;
    }

    /**
     * Boots the guest and waits until its agent listens; harmless when already started.
     *
     * @throws GuestStartException when it cannot: the VM is then closed, and the message has the
     * console's last lines and where the vCPUs were
     */
    @Override
    public void start() {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("guest " + id + " was closed");
            }
            if (vm != null) {
                return;
            }
            try {
                dir = Files.createTempDirectory("pmx-" + id + "-",
                        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                                Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                                        PosixFilePermission.OWNER_EXECUTE)));
            } catch (IOException e) {
                throw new GuestStartException("guest " + id + ": cannot make its temporary folder: " + e, e);
            }
            Path uds = dir.resolve("vsock.sock");
            timers = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                    .name("pmx-" + id + "-timeouts").daemon().unstarted(r));
            agent = new AgentClient(uds, OptionalInt.of(spec.agentPort()), timers);
            VmConfig config = new VmConfig(new VmConfig.BootSource(spec.kernel(), spec.initrd(), kernelArgs(),
                    BootProtocol.LINUX_64), new VmConfig.Machine(spec.cpus(), spec.memMib()), spec.drives(),
                    spec.entropy() ? Optional.of(new VmConfig.Entropy()) : Optional.empty(), List.of(), Optional.of(new VmConfig.Vsock(GUEST_CID, uds))).withName(id);
            try {
                vm = MicroVm.start(config, Console.outputOnly(console));
            } catch (RuntimeException e) {
                cleanUp();
                throw new GuestStartException("guest " + id + " could not start: " + e.getMessage(), e);
            }
            awaitAgent();
        }
    }

    /** The command line: what Guest needs, the agent's port, then the spec's extra words. */
    String kernelArgs() {
        return (BASE_ARGS + " pmx_agent=" + spec.agentPort() + " " + spec.kernelArgs()).strip();
    }

    private void awaitAgent() {
        try {
            if (console.await(AGENT_READY, spec.bootTimeout(), () -> vm.state() == VmState.STOPPED) == null) {
                throw failStart(vm.state() == VmState.STOPPED
                        ? "stopped before its agent was ready (" + vm.awaitStop(Duration.ZERO).map(Object::toString)
                                .orElse("") + ")"
                        : "showed no " + AGENT_READY.pattern() + " within " + spec.bootTimeout(), null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failStart("was interrupted while booting", e);
        }
    }

    /** Stops and closes the VM, and reports the failed start with the console's tail and the vCPUs. */
    private GuestStartException failStart(String what, Throwable cause) {
        String vcpus;
        try {
            vcpus = vm.stopAndSnapshot().stream().map(VcpuSnapshot::describe).collect(Collectors.joining("; "));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            vcpus = "(not known: interrupted)";
        }
        cleanUp();
        return new GuestStartException("guest " + id + " " + what + "; vCPUs: " + vcpus + "; its last console lines:\n"
                + console.tail(TAIL_LINES), cause);
    }

    private AgentClient agent() {
        synchronized (lifecycle) {
            if (agent == null || closed) {
                throw new IllegalStateException("guest " + id + (closed ? " was closed" : " is not started"));
            }
            return agent;
        }
    }

    /** Runs {@code argv} (no shell) with the default timeout and waits for it. */
    public ExecResult exec(String... argv) {
        return exec(ExecRequest.of(argv));
    }

    /**
     * Runs the command and waits for it.
     *
     * @throws GuestTimeoutException when it runs past its timeout (the agent then kills it)
     * @throws GuestException when the agent cannot be reached or refuses the request
     */
    public ExecResult exec(ExecRequest request) {
        try {
            return agent().exec(request);
        } catch (GuestTimeoutException e) {
            // a command that outlived its timeout, or a guest and Panamax waiting on each other: the
            // devices' state tells the two apart
            throw vm().map(v -> e.withDetail("the VM's devices when it timed out:\n" + v.describeDevices())).orElse(e);
        }
    }

    /** Copies the host file into the guest at {@code guestPath}, with the host file's permission bits. */
    public void copyTo(Path hostFile, String guestPath) {
        try {
            int mode = Files.getPosixFilePermissions(hostFile).stream()
                    .mapToInt(p -> 1 << (8 - p.ordinal())).sum();
            agent().putFile(guestPath, mode, Files.readAllBytes(hostFile), COPY_TIMEOUT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the guest's regular file {@code guestPath} to the host file (replaced if it exists). */
    public void copyFrom(String guestPath, Path hostFile) {
        byte[] data = agent().getFile(guestPath, COPY_TIMEOUT);
        try {
            Files.write(hostFile, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until {@code pattern} is found in what the guest printed on its console since it
     * started; returns the match.
     *
     * @throws GuestException when it is not there within {@code timeout}, or the VM stopped first
     */
    public MatchResult awaitConsole(Pattern pattern, Duration timeout) {
        MicroVm running;
        synchronized (lifecycle) {
            running = vm;
        }
        try {
            MatchResult m = console.await(pattern, timeout, () -> running == null || running.state() == VmState.STOPPED);
            if (m == null) {
                throw new GuestException("guest " + id + "'s console showed no /" + pattern.pattern() + "/ within "
                        + timeout + (running == null || running.state() == VmState.STOPPED ? " (the VM stopped)" : "")
                        + "; its last console lines:\n" + console.tail(TAIL_LINES));
            }
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestException("interrupted while waiting for the console", e);
        }
    }

    /** Every complete console line so far. */
    public List<String> consoleLines() {
        return console.lines();
    }

    /** Everything the guest printed on its console so far. */
    public String consoleText() {
        return console.text();
    }

    /** The console's last {@code n} lines. */
    public String consoleTail(int n) {
        return console.tail(n);
    }

    /** The running VM (its state, metrics, pause/resume), for tests that go beyond exec; empty before start. */
    public Optional<MicroVm> vm() {
        synchronized (lifecycle) {
            return Optional.ofNullable(vm);
        }
    }

    /** Testcontainers' name for {@link #close()}. */
    @Override
    public void stop() {
        close();
    }

    /** Stops the VM, frees it, and removes the temporary folder; harmless again and before start. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            closed = true;
            cleanUp();
            try {
                console.finish(); // the log consumers have every line when close returns
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void cleanUp() {
        try {
            if (vm != null) {
                vm.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            vm = null;
            agent = null;
            if (timers != null) {
                timers.shutdownNow();
                timers = null;
            }
            deleteDir();
        }
    }

    private void deleteDir() {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a leftover empty folder in /tmp is not worth failing a test for
        }
        dir = null;
    }

    @Override
    public String toString() {
        return "Guest[" + id + ", " + spec.kernel().getFileName() + ", " + spec.cpus() + " vCPU, " + spec.memMib()
                + " MiB]";
    }
}
