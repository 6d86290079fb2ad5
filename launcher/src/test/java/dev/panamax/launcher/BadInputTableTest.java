package dev.panamax.launcher;

import dev.panamax.kvm.ImageLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's bad-input table, a test per row: the launcher gets bad input (a config, a kernel,
 * an initrd, a disk image, a TAP, a vsock socket path), answers with one line naming the culprit,
 * exits 2, and leaves every file as it was and none behind (checked by hashing the directory
 * before and after). Everything here fails before KVM is touched, so it runs on every host.
 */
class BadInputTableTest {
    @TempDir
    static Path dir;
    private Map<String, String> before;
    private final List<AutoCloseable> held = new ArrayList<>();

    /** One row: what is wrong, the launcher's arguments, and what the error line must name. */
    record Row(String what, Setup args, String culprit) {
        @Override
        public String toString() {
            return what;
        }
    }

    @FunctionalInterface
    interface Setup {
        String[] args(BadInputTableTest t) throws Exception;
    }

    static Stream<Row> rows() {
        return Stream.of(
            // --- config files ---
            new Row("vcpu_count of the wrong JSON type", t -> t.config("\"machine-config\": {\"vcpu_count\": \"2\", \"mem_size_mib\": 128}"), "machine-config.vcpu_count: expected an integer, got \"2\""),
            new Row("negative memory", t -> t.config("\"machine-config\": {\"vcpu_count\": 1, \"mem_size_mib\": -5}"), "machine-config.mem_size_mib -5 is not in"),
            new Row("zero memory", t -> t.config("\"machine-config\": {\"vcpu_count\": 1, \"mem_size_mib\": 0}"), "machine-config.mem_size_mib 0 is not in"),
            new Row("huge memory", t -> t.config("\"machine-config\": {\"vcpu_count\": 1, \"mem_size_mib\": 99999999999}"), "machine-config.mem_size_mib 99999999999 is not in"),
            new Row("0 vCPUs", t -> t.config("\"machine-config\": {\"vcpu_count\": 0, \"mem_size_mib\": 128}"), "machine-config.vcpu_count 0 is not in 1..32"),
            new Row("1000 vCPUs", t -> t.config("\"machine-config\": {\"vcpu_count\": 1000, \"mem_size_mib\": 128}"), "machine-config.vcpu_count 1000 is not in 1..32"),
            new Row("an unknown key", t -> t.config("\"machine-config\": {\"vcpu_count\": 1, \"mem_size_mib\": 128, \"vcpus\": 2}"), "machine-config.vcpus: unknown key"),
            new Row("two drives with one id", t -> t.config(t.drive("a", "disk.img", false) + ", " + t.drive("a", "disk2.img", false)), "drive_id \"a\" is used twice"),
            new Row("two root devices", t -> t.config(t.drive("a", "disk.img", true) + ", " + t.drive("b", "disk2.img", true)), "more than one drive has is_root_device true"),
            new Row("a directory as kernel", t -> t.flags("--kernel", t.mkdir("kernel-dir")), "kernel-dir: is a directory"),
            new Row("a fifo as kernel", t -> t.flags("--kernel", t.fifo("kernel.fifo")), "kernel.fifo: not a regular file"),
            new Row("a config file that is not JSON", t -> new String[] {"--config-file", t.write("vm.json", "boot-source: x".getBytes())}, "vm.json: malformed JSON at line 1"),
            new Row("a missing config file", t -> new String[] {"--config-file", dir.resolve("none.json").toString()}, "none.json: no such file"),
            // --- kernels ---
            new Row("a zero-byte kernel", t -> t.flags("--kernel", t.write("empty.bin", new byte[0])), "empty.bin: is empty"),
            new Row("a truncated ELF", t -> t.flags("--kernel", t.write("truncated.elf", java.util.Arrays.copyOf(elf(2, 62, 1 << 20), 40))), "truncated.elf: truncated: ELF header"),
            new Row("an ELF for another architecture", t -> t.flags("--kernel", t.write("arm64.elf", elf(2, 183, 1 << 20))), "arm64.elf: ELF for machine 183, not x86-64"),
            new Row("a 32-bit ELF", t -> t.flags("--kernel", t.write("i386.elf", elf(1, 3, 1 << 20))), "i386.elf: 32-bit ELF"),
            new Row("a kernel bigger than RAM", t -> t.flags("--kernel", t.write("huge.elf", elf(2, 62, 64 << 20)), "--mem", "32"), "is outside the guest RAM a kernel may use"),
            new Row("a bzImage with a bad header", t -> t.flags("--kernel", t.write("bad.bzImage", bzImage(0x0206, false))), "bad.bzImage: not an ELF64 x86-64 executable or bzImage"),
            new Row("a bzImage of boot protocol 2.05", t -> t.flags("--kernel", t.write("old.bzImage", bzImage(0x0205, true))), "old.bzImage: bzImage boot protocol 2.05 is older than 2.12"),
            // --- initrds ---
            new Row("an initrd that does not fit", t -> t.flags("--kernel", t.write("small.elf", elf(2, 62, 1 << 20)), "--mem", "32", "--initrd", t.sparse("big.cpio", 64L << 20)), "initrd " + dir.resolve("big.cpio") + ": 64.0 MiB does not fit in guest RAM"),
            new Row("a missing initrd", t -> t.flags("--kernel", t.write("k.elf", elf(2, 62, 1 << 20)), "--initrd", dir.resolve("no.cpio").toString()), "no.cpio: no such file"),
            // --- disk images ---
            new Row("a missing disk image", t -> t.flags("--kernel", t.kernel(), "--drive", dir.resolve("gone.img").toString()), "gone.img: no such file"),
            new Row("an image of a size not a multiple of 512", t -> t.flags("--kernel", t.kernel(), "--drive", t.write("odd.img", new byte[1000])), "odd.img: size 1000 bytes is not a multiple of 512"),
            new Row("a read-only file for a writable drive", t -> t.flags("--kernel", t.kernel(), "--drive", t.immutable("ro.img")), "ro.img: not writable"),
            new Row("an image another VMM holds", t -> t.flags("--kernel", t.kernel(), "--drive", t.locked("held.img")), "held.img: in use by another VM"),
            new Row("a directory as disk image", t -> t.flags("--kernel", t.kernel(), "--drive", t.mkdir("disk-dir")), "disk-dir: is a directory"),
            // --- network and vsock ---
            new Row("a TAP that does not exist", t -> t.flags("--kernel", t.kernel(), "--net", "pmxnotap0"), "no network interface \"pmxnotap0\""),
            new Row("a vsock socket whose directory is missing", t -> t.flags("--kernel", t.kernel(), "--vsock", "3," + dir.resolve("no-dir/v.sock")), "no-dir does not exist"),
            new Row("a vsock socket path that exists", t -> t.flags("--kernel", t.kernel(), "--vsock", "3," + t.write("taken.sock", new byte[0])), "taken.sock: already exists"),
            new Row("a reserved vsock CID", t -> t.flags("--kernel", t.kernel(), "--vsock", "2," + dir.resolve("v2.sock")), "vsock.guest_cid: 2 is not in"));
    }

    @BeforeEach
    void hashBefore() throws IOException {
        before = hashes();
    }

    @AfterEach
    void release() throws Exception {
        for (AutoCloseable c : held) {
            c.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void oneLineNamingTheCulpritExit2AndNothingChanged(Row row) throws Exception {
        String[] args = row.args().args(this);
        Map<String, String> setUp = hashes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]));
        String line = err.toString(StandardCharsets.UTF_8);

        assertThat(status).as(line).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(line).startsWith("panamax: ").endsWith(System.lineSeparator()).hasLineCount(1)
                .contains(row.culprit()).doesNotContain("Exception");
        assertThat(hashes()).as("every file as it was, none left behind").isEqualTo(setUp);
        assertThat(setUp.keySet()).containsAll(before.keySet());
    }

    // ---- building bad input ----

    String[] config(String members) throws IOException {
        String kernel = kernel();
        String json = "{\"boot-source\": {\"kernel_image_path\": \"" + kernel + "\"}, "
                + (members.startsWith("{") ? "\"drives\": [" + members + "]" : members) + "}";
        return new String[] {"--config-file", write("vm-" + System.nanoTime() + ".json", json.getBytes())};
    }

    String drive(String id, String file, boolean root) throws IOException {
        Path image = dir.resolve(file);
        if (!Files.exists(image)) {
            Files.write(image, new byte[4096]);
        }
        return "{\"drive_id\": \"" + id + "\", \"path_on_host\": \"" + image + "\", \"is_root_device\": " + root + "}";
    }

    static String[] flags(String... args) {
        return args;
    }

    /** A kernel that is only bytes: the rows that use it fail before it is read. */
    String kernel() throws IOException {
        Path k = dir.resolve("vmlinux");
        if (!Files.exists(k)) {
            Files.write(k, new byte[64]);
        }
        return k.toString();
    }

    String write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content).toString();
    }

    String mkdir(String name) throws IOException {
        return Files.createDirectories(dir.resolve(name)).toString();
    }

    String fifo(String name) throws Exception {
        Path p = dir.resolve(name);
        if (!Files.exists(p)) {
            assertThat(new ProcessBuilder("mkfifo", p.toString()).start().waitFor()).isZero();
        }
        return p.toString();
    }

    String sparse(String name, long size) throws IOException {
        Path p = dir.resolve(name);
        try (var f = new java.io.RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
        return p.toString();
    }

    /** A file not even root may write (chattr +i), released after the test. */
    String immutable(String name) throws Exception {
        Path p = Files.write(dir.resolve(name), new byte[4096]);
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            assertThat(new ProcessBuilder("chattr", "+i", p.toString()).start().waitFor()).isZero();
            held.add(() -> new ProcessBuilder("chattr", "-i", p.toString()).start().waitFor());
        } else {
            assertThat(p.toFile().setWritable(false)).isTrue();
        }
        return p.toString();
    }

    /** An image another VMM holds for writing (an ImageLock stands in for it). */
    String locked(String name) throws IOException {
        Path p = Files.write(dir.resolve(name), new byte[4096]);
        held.add(ImageLock.acquire(p, true));
        return p.toString();
    }

    /**
     * An ELF64/ELF32 executable of machine {@code machine} with one PT_LOAD segment of
     * {@code memSize} bytes at 16 MiB.
     */
    static byte[] elf(int elfClass, int machine, long memSize) {
        ByteBuffer b = ByteBuffer.allocate(0x2000).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) elfClass, 1, 1, 0});
        b.position(16);
        b.putShort((short) 2).putShort((short) machine).putInt(1); // ET_EXEC, machine, EV_CURRENT
        b.putLong(0x1000000).putLong(64).putLong(0); // entry, phoff, shoff
        b.putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) 1); // flags, ehsize, phentsize, phnum
        b.putShort((short) 64).putShort((short) 0).putShort((short) 0);
        b.position(64);
        b.putInt(1).putInt(7); // PT_LOAD, RWX
        b.putLong(0x1000).putLong(0x1000000).putLong(0x1000000); // offset, vaddr, paddr
        b.putLong(0x1000).putLong(memSize).putLong(0x1000); // filesz, memsz, align
        return b.array();
    }

    /** A bzImage's first 1 KiB: boot flag, "HdrS" (or not) and the boot protocol version. */
    static byte[] bzImage(int version, boolean magic) {
        ByteBuffer b = ByteBuffer.allocate(0x4000).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1f1, (byte) 4); // setup_sects
        b.putShort(0x1fe, (short) 0xAA55);
        if (magic) {
            b.putInt(0x202, 0x53726448); // "HdrS"
        } else {
            b.putInt(0x202, 0x12345678);
        }
        b.putShort(0x206, (short) version);
        b.put(0x211, (byte) 1); // loadflags: LOADED_HIGH
        return b.array();
    }

    private static Map<String, String> hashes() throws IOException {
        Map<String, String> hashes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.toList()) {
                String key = dir.relativize(p).toString();
                if (Files.isRegularFile(p)) {
                    try {
                        hashes.put(key, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                                .digest(Files.readAllBytes(p))));
                    } catch (java.security.NoSuchAlgorithmException e) {
                        throw new AssertionError(e);
                    }
                } else {
                    hashes.put(key, Files.isDirectory(p) ? "dir" : "other");
                }
            }
        }
        return hashes;
    }
}
