package dev.panamax.vmm.snapshot;

import dev.panamax.vmm.PanamaxVersion;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The snapshot state file. A header, all big-endian:
 * <pre>
 *   magic           8 bytes   "PMXSNAP\0"
 *   format version  u32       {@value #FORMAT_VERSION}
 *   Panamax version u16 length + UTF-8
 *   CPU vendor      u16 length + UTF-8 (CPUID's vendor string)
 *   CPU family      u32
 *   CPU model       u32
 *   body length     u64
 *   body CRC32C     u32
 * </pre>
 * then the body ({@link StateCodec}), and nothing after it. {@link #read} checks, in this order,
 * the magic, the format version, the file's length against the header's, the checksum, the
 * Panamax version and the CPU, and only then decodes the body; any failure is one line naming the
 * file and what differs, and nothing has been made from the file by then.
 */
public final class SnapshotFile {
    /** The version of the format this Panamax writes and reads; older or newer files are refused. */
    public static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = "PMXSNAP\0".getBytes(StandardCharsets.US_ASCII);
    /** A header's strings are short; a bound against garbage. */
    private static final int MAX_HEADER_STRING = 256;

    private SnapshotFile() {}

    /**
     * Writes {@code state} to {@code path}, made on {@code cpu}: to a temporary file next to it,
     * synced, then renamed, so that a crash never leaves a half-written snapshot under that name.
     */
    public static void write(Path path, SnapshotState state, HostCpu cpu) throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        Files.write(tmp, encode(state, cpu, PanamaxVersion.VERSION, FORMAT_VERSION));
        try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The file's bytes; the versions are parameters so that tests can make other versions' files. */
    static byte[] encode(SnapshotState state, HostCpu cpu, String panamaxVersion, int formatVersion) {
        byte[] body = StateCodec.encode(state);
        CRC32C crc = new CRC32C();
        crc.update(body);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length + 128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(formatVersion);
            headerString(out, panamaxVersion);
            headerString(out, cpu.vendor());
            out.writeInt(cpu.family());
            out.writeInt(cpu.model());
            out.writeLong(body.length);
            out.writeInt((int) crc.getValue());
            out.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void headerString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeShort(b.length);
        out.write(b);
    }

    /**
     * Reads and checks the state file at {@code path} for a restore on {@code cpu}.
     *
     * @throws SnapshotFormatException one line naming the file and what is wrong
     * @throws IOException             when the file cannot be read at all
     */
    public static SnapshotState read(Path path, HostCpu cpu) throws IOException, SnapshotFormatException {
        return decode(Files.readAllBytes(path), path.toString(), cpu);
    }

    static SnapshotState decode(byte[] file, String name, HostCpu cpu) throws SnapshotFormatException {
        String prefix = "snapshot " + name + ": ";
        ByteBuffer in = ByteBuffer.wrap(file);
        if (file.length < MAGIC.length || !Arrays.equals(file, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new SnapshotFormatException(prefix + "not a Panamax snapshot state file (no PMXSNAP magic)");
        }
        in.position(MAGIC.length);
        try {
            int format = in.getInt();
            if (format != FORMAT_VERSION) {
                throw new SnapshotFormatException(prefix + "format version " + Integer.toUnsignedString(format)
                        + ", this Panamax reads version " + FORMAT_VERSION);
            }
            String panamax = headerString(in);
            HostCpu made = new HostCpu(headerString(in), in.getInt(), in.getInt());
            long bodyLength = in.getLong();
            int checksum = in.getInt();
            long present = in.remaining();
            if (bodyLength != present) {
                throw new SnapshotFormatException(prefix + (bodyLength > present ? "truncated: " : "trailing bytes: ")
                        + "the header gives a body of " + bodyLength + " bytes, the file holds " + present);
            }
            CRC32C crc = new CRC32C();
            crc.update(in.duplicate());
            if ((int) crc.getValue() != checksum) {
                throw new SnapshotFormatException(prefix + "corrupt: the body's CRC32C is 0x"
                        + Integer.toHexString((int) crc.getValue()) + ", the header says 0x" + Integer.toHexString(checksum));
            }
            if (!panamax.equals(PanamaxVersion.VERSION)) {
                throw new SnapshotFormatException(prefix + "made by Panamax " + panamax + ", this is Panamax "
                        + PanamaxVersion.VERSION);
            }
            if (!made.equals(cpu)) {
                throw new SnapshotFormatException(prefix + "made on a " + made.describe() + ", this host is a "
                        + cpu.describe());
            }
            byte[] body = new byte[in.remaining()];
            in.get(body);
            try {
                return StateCodec.decode(body);
            } catch (RuntimeException e) {
                throw new SnapshotFormatException(prefix + "malformed body: " + e.getMessage(), e);
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new SnapshotFormatException(prefix + "truncated: the file ends inside the header");
        }
    }

    private static String headerString(ByteBuffer in) throws SnapshotFormatException {
        int n = Short.toUnsignedInt(in.getShort());
        if (n > MAX_HEADER_STRING) {
            throw new SnapshotFormatException("a header string of " + n + " bytes (at most " + MAX_HEADER_STRING + ")");
        }
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
