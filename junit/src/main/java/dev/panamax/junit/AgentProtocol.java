package dev.panamax.junit;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The wire protocol between {@link Guest} and the test guest's agent (scripts/guest/pmx-agent.c,
 * whose header comment mirrors this one). Every message is a frame:
 *
 * <pre>
 *   u8 type | u32 length (big-endian) | length bytes of payload      (length &lt;= MAX_PAYLOAD)
 * </pre>
 *
 * Strings inside payloads are a u32 length and that many bytes of UTF-8 without NUL. A
 * connection carries one {@link Request} from the host, then the agent's {@link Reply} frames,
 * and the agent closes it after the last one.
 *
 * <table>
 *   <caption>frames</caption>
 *   <tr><th>type</th><th>frame</th><th>payload</th></tr>
 *   <tr><td>1</td><td>{@link Exec}</td><td>u32 argc, argc strings, u32 envc, envc "KEY=VALUE"
 *       strings, string cwd ("" = /), u32 n, n bytes of stdin; answered by Output frames, then Exit</td></tr>
 *   <tr><td>2</td><td>{@link PutFile}</td><td>string path, u32 mode, the bytes (the rest); answered by Ok</td></tr>
 *   <tr><td>3</td><td>{@link GetFile}</td><td>string path; answered by FileData</td></tr>
 *   <tr><td>16, 17</td><td>{@link Output}</td><td>bytes the command wrote to stdout (16) or stderr (17)</td></tr>
 *   <tr><td>18</td><td>{@link Exit}</td><td>i32 status: the exit code, or 128 + the signal that ended it</td></tr>
 *   <tr><td>19</td><td>{@link Ok}</td><td>empty</td></tr>
 *   <tr><td>20</td><td>{@link FileData}</td><td>the file's bytes</td></tr>
 *   <tr><td>21</td><td>{@link Failure}</td><td>UTF-8 message: the request failed; nothing follows</td></tr>
 * </table>
 *
 * <p>Closing the connection before Exit ends the command: the agent kills its process group.
 * Decoding trusts nothing: a frame that is longer than {@link #MAX_PAYLOAD}, of an unknown type,
 * truncated, or whose fields overrun or underrun its payload is refused with a
 * {@link ProtocolException} that says which.
 */
public final class AgentProtocol {
    /** The largest payload either side accepts (so also the largest file copied in one go). */
    public static final int MAX_PAYLOAD = 16 << 20;
    static final int HEADER = 5;

    static final int EXEC = 1;
    static final int PUT_FILE = 2;
    static final int GET_FILE = 3;
    static final int STDOUT = 16;
    static final int STDERR = 17;
    static final int EXIT = 18;
    static final int OK = 19;
    static final int FILE = 20;
    static final int ERROR = 21;

    private AgentProtocol() {}

    /** A frame that breaks the protocol. */
    public static final class ProtocolException extends IOException {
        ProtocolException(String message) {
            super(message);
        }
    }

    /** Any frame. */
    public sealed interface Frame permits Request, Reply {}

    /** What the host asks, once per connection. */
    public sealed interface Request extends Frame permits Exec, PutFile, GetFile {}

    /** What the agent answers. */
    public sealed interface Reply extends Frame permits Output, Exit, Ok, FileData, Failure {}

    /** Runs {@code argv} with {@code env} added to the agent's environment, in {@code cwd} ("" = /), fed {@code stdin}. */
    public record Exec(List<String> argv, List<String> env, String cwd, byte[] stdin) implements Request {
        public Exec {
            argv = List.copyOf(argv);
            env = List.copyOf(env);
            Objects.requireNonNull(cwd, "cwd");
            Objects.requireNonNull(stdin, "stdin");
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("exec needs a program");
            }
            for (String e : env) {
                if (e.indexOf('=') <= 0) {
                    throw new IllegalArgumentException("environment entry is not KEY=VALUE: " + e);
                }
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Exec e && argv.equals(e.argv) && env.equals(e.env) && cwd.equals(e.cwd)
                    && Arrays.equals(stdin, e.stdin);
        }

        @Override
        public int hashCode() {
            return Objects.hash(argv, env, cwd, Arrays.hashCode(stdin));
        }

        @Override
        public String toString() {
            return "Exec" + argv + " env=" + env + " cwd=" + cwd + " stdin=" + stdin.length + " bytes";
        }
    }

    /** Writes {@code data} to {@code path} (created or truncated) with permission bits {@code mode}. */
    public record PutFile(String path, int mode, byte[] data) implements Request {
        public PutFile {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(data, "data");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PutFile p && path.equals(p.path) && mode == p.mode && Arrays.equals(data, p.data);
        }

        @Override
        public int hashCode() {
            return Objects.hash(path, mode, Arrays.hashCode(data));
        }

        @Override
        public String toString() {
            return "PutFile[" + path + ", mode=" + Integer.toOctalString(mode) + ", " + data.length + " bytes]";
        }
    }

    /** Reads the regular file at {@code path}. */
    public record GetFile(String path) implements Request {
        public GetFile {
            Objects.requireNonNull(path, "path");
        }
    }

    /** Which of the command's streams an {@link Output} frame comes from. */
    public enum Stream { STDOUT, STDERR }

    /** Bytes the command wrote. */
    public record Output(Stream stream, byte[] data) implements Reply {
        public Output {
            Objects.requireNonNull(stream, "stream");
            Objects.requireNonNull(data, "data");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Output out && stream == out.stream && Arrays.equals(data, out.data);
        }

        @Override
        public int hashCode() {
            return 31 * stream.hashCode() + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Output[" + stream + ", " + data.length + " bytes]";
        }
    }

    /** The command ended: its exit code, or 128 + the signal that killed it. */
    public record Exit(int status) implements Reply {}

    /** A {@link PutFile} was done. */
    public record Ok() implements Reply {}

    /** The bytes a {@link GetFile} asked for. */
    public record FileData(byte[] data) implements Reply {
        public FileData {
            Objects.requireNonNull(data, "data");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FileData f && Arrays.equals(data, f.data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "FileData[" + data.length + " bytes]";
        }
    }

    /** The request failed, in the agent's words. */
    public record Failure(String message) implements Reply {
        public Failure {
            Objects.requireNonNull(message, "message");
        }
    }

    /** The frame's bytes, header included. */
    public static byte[] encode(Frame frame) {
        Encoder e = new Encoder();
        int type = switch (frame) {
            case Exec x -> {
                e.u32(x.argv().size());
                x.argv().forEach(e::string);
                e.u32(x.env().size());
                x.env().forEach(e::string);
                e.string(x.cwd());
                e.u32(x.stdin().length);
                e.bytes(x.stdin());
                yield EXEC;
            }
            case PutFile x -> {
                e.string(x.path());
                e.u32(x.mode());
                e.bytes(x.data());
                yield PUT_FILE;
            }
            case GetFile x -> {
                e.string(x.path());
                yield GET_FILE;
            }
            case Output x -> {
                e.bytes(x.data());
                yield x.stream() == Stream.STDOUT ? STDOUT : STDERR;
            }
            case Exit x -> {
                e.u32(x.status());
                yield EXIT;
            }
            case Ok x -> OK;
            case FileData x -> {
                e.bytes(x.data());
                yield FILE;
            }
            case Failure x -> {
                e.bytes(x.message().getBytes(StandardCharsets.UTF_8));
                yield ERROR;
            }
        };
        return e.frame(type);
    }

    /**
     * Reads one frame; empty at a clean end of stream (before a frame's first byte).
     *
     * @throws ProtocolException for a frame that breaks the protocol, truncated ones included
     */
    public static Optional<Frame> read(InputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            return Optional.empty();
        }
        DataInputStream data = new DataInputStream(in);
        try {
            int length = data.readInt();
            if (length < 0 || length > MAX_PAYLOAD) {
                throw new ProtocolException("frame of type " + type + " claims " + Integer.toUnsignedString(length)
                        + " bytes, more than the " + MAX_PAYLOAD + " allowed");
            }
            if (!known(type)) {
                throw new ProtocolException("unknown frame type " + type);
            }
            byte[] payload = new byte[length];
            data.readFully(payload);
            return Optional.of(decode(type, payload));
        } catch (EOFException e) {
            throw new ProtocolException("truncated frame of type " + type + ": the stream ended inside it");
        }
    }

    private static boolean known(int type) {
        return (type >= EXEC && type <= GET_FILE) || (type >= STDOUT && type <= ERROR);
    }

    /** The frame of {@code type} with exactly this payload. */
    static Frame decode(int type, byte[] payload) throws ProtocolException {
        ByteBuffer b = ByteBuffer.wrap(payload);
        try {
            Frame f = switch (type) {
                case EXEC -> {
                    List<String> argv = strings(b, "argv");
                    List<String> env = strings(b, "env");
                    String cwd = string(b);
                    int n = count(b, 1, "stdin");
                    byte[] stdin = new byte[n];
                    b.get(stdin);
                    try {
                        yield new Exec(argv, env, cwd, stdin);
                    } catch (IllegalArgumentException e) {
                        throw new ProtocolException("bad exec request: " + e.getMessage());
                    }
                }
                case PUT_FILE -> new PutFile(string(b), b.getInt(), rest(b));
                case GET_FILE -> new GetFile(string(b));
                case STDOUT -> new Output(Stream.STDOUT, rest(b));
                case STDERR -> new Output(Stream.STDERR, rest(b));
                case EXIT -> new Exit(b.getInt());
                case OK -> new Ok();
                case FILE -> new FileData(rest(b));
                case ERROR -> new Failure(utf8(rest(b)));
                default -> throw new ProtocolException("unknown frame type " + type);
            };
            if (b.hasRemaining()) {
                throw new ProtocolException("frame of type " + type + " has " + b.remaining()
                        + " bytes after its last field");
            }
            return f;
        } catch (BufferUnderflowException e) {
            throw new ProtocolException("frame of type " + type + " ends inside a field (payload of "
                    + payload.length + " bytes)");
        }
    }

    /** A u32 count of items of at least {@code minSize} bytes each, checked against what is left. */
    private static int count(ByteBuffer b, int minSize, String what) throws ProtocolException {
        int n = b.getInt();
        if (n < 0 || (long) n * minSize > b.remaining()) {
            throw new ProtocolException(what + " claims " + Integer.toUnsignedString(n) + " items in "
                    + b.remaining() + " bytes");
        }
        return n;
    }

    private static List<String> strings(ByteBuffer b, String what) throws ProtocolException {
        int n = count(b, 4, what);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(string(b));
        }
        return out;
    }

    private static String string(ByteBuffer b) throws ProtocolException {
        byte[] s = new byte[count(b, 1, "string")];
        b.get(s);
        for (byte c : s) {
            if (c == 0) {
                throw new ProtocolException("string contains NUL");
            }
        }
        return utf8(s);
    }

    private static String utf8(byte[] s) throws ProtocolException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(s)).toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException("string is not UTF-8");
        }
    }

    private static byte[] rest(ByteBuffer b) {
        byte[] r = new byte[b.remaining()];
        b.get(r);
        return r;
    }

    /** Builds a payload, then the frame around it. */
    private static final class Encoder {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void u32(int v) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
        }

        void bytes(byte[] b) {
            out.writeBytes(b);
        }

        void string(String s) {
            if (s.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a string sent to the agent cannot contain NUL: " + s);
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u32(b.length);
            bytes(b);
        }

        byte[] frame(int type) {
            if (out.size() > MAX_PAYLOAD) {
                throw new IllegalArgumentException("frame payload of " + out.size() + " bytes exceeds "
                        + MAX_PAYLOAD);
            }
            ByteBuffer f = ByteBuffer.allocate(HEADER + out.size());
            f.put((byte) type).putInt(out.size()).put(out.toByteArray());
            return f.array();
        }
    }
}
