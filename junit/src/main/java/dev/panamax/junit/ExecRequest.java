package dev.panamax.junit;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A command for {@link Guest#exec(ExecRequest)}: {@code argv} (no shell: wrap in
 * {@code sh -c} for one), environment entries added to the agent's, a working directory,
 * bytes for its stdin (closed after them), and how long to wait for it.
 */
public record ExecRequest(List<String> argv, Map<String, String> env, Optional<String> cwd, byte[] stdin,
                          Duration timeout) {
    /** How long an exec may take unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public ExecRequest {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        Objects.requireNonNull(cwd, "cwd");
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(timeout, "timeout");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("exec needs a program");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("exec timeout must be positive: " + timeout);
        }
    }

    /** {@code argv} with no extra environment, in /, no stdin, {@link #DEFAULT_TIMEOUT}. */
    public static ExecRequest of(String... argv) {
        return new ExecRequest(List.of(argv), Map.of(), Optional.empty(), new byte[0], DEFAULT_TIMEOUT);
    }

    public ExecRequest withEnv(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(env);
        more.put(key, value);
        return new ExecRequest(argv, more, cwd, stdin, timeout);
    }

    public ExecRequest withCwd(String dir) {
        return new ExecRequest(argv, env, Optional.of(dir), stdin, timeout);
    }

    public ExecRequest withStdin(byte[] bytes) {
        return new ExecRequest(argv, env, cwd, bytes.clone(), timeout);
    }

    public ExecRequest withTimeout(Duration t) {
        return new ExecRequest(argv, env, cwd, stdin, t);
    }

    /** The protocol's request for this command. */
    AgentProtocol.Exec toFrame() {
        return new AgentProtocol.Exec(argv, env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList(),
                cwd.orElse(""), stdin);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExecRequest r && argv.equals(r.argv) && env.equals(r.env) && cwd.equals(r.cwd)
                && Arrays.equals(stdin, r.stdin) && timeout.equals(r.timeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(argv, env, cwd, Arrays.hashCode(stdin), timeout);
    }

    @Override
    public String toString() {
        return "ExecRequest" + argv + (env.isEmpty() ? "" : " env=" + env) + cwd.map(c -> " cwd=" + c).orElse("")
                + (stdin.length == 0 ? "" : " stdin=" + stdin.length + " bytes") + " timeout=" + timeout;
    }
}
