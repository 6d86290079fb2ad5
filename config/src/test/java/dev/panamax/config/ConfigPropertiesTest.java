package dev.panamax.config;

import dev.panamax.vmm.VmConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Properties over generated input (fixed seeds, so failures reproduce): every refusal is one
 * {@link ConfigException} line naming what it refuses. Plain JUnit rather than jqwik, which would
 * leave a {@code .jqwik-database} file in the module directory on every run.
 */
class ConfigPropertiesTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void makeKernel() throws IOException {
        Files.writeString(dir.resolve("vmlinux"), "k");
    }

    private static final Set<String> TOP = Set.of("boot-source", "machine-config", "drives", "entropy");
    private static final Set<String> MACHINE = Set.of("vcpu_count", "mem_size_mib", "smt", "track_dirty_pages",
            "cpu_template", "huge_pages", "cpuid_feature_mask");

    private static String refusal(String json) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigFile.parse(json.getBytes(StandardCharsets.UTF_8), "vm.json", dir));
        assertThat(e).as("refused: %s", json).isNotNull();
        return ConfigFileTest.checkedOneLine(e.getMessage());
    }

    /** A JSON string literal of all of {@code s}, every char escaped, so lone surrogates survive. */
    private static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.chars().forEach(c -> b.append(String.format("\\u%04x", c)));
        return b.append('"').toString();
    }

    static Stream<String> keys() {
        Random r = new Random(0x5eed);
        Stream<String> edges = Stream.of("", " ", "\n", "\"", "\\", "`", "\u0000", "\ud800", "\u2028", "a.b", "x".repeat(200),
                "Drives", "boot_source", "machine_config", "vcpu_count ", "VCPU_COUNT", "boot-source\u0000",
                "kernel_image_path", "vcpus", "kernel");
        Stream<String> plain = IntStream.range(0, 300).mapToObj(i -> randomString(r, "abcdefghijklmnopqrstuvwxyz-_", 1 + r.nextInt(20)));
        Stream<String> wild = IntStream.range(0, 300).mapToObj(i -> {
            char[] cs = new char[r.nextInt(60)];
            for (int j = 0; j < cs.length; j++) {
                cs[j] = (char) (r.nextBoolean() ? r.nextInt(0x80) : r.nextInt(0x10000));
            }
            return new String(cs);
        });
        return Stream.of(edges, plain, wild).flatMap(s -> s);
    }

    private static String randomString(Random r, String alphabet, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    @ParameterizedTest
    @MethodSource("keys")
    void everyUnknownTopLevelKeyIsRefusedByName(String key) {
        if (TOP.contains(key) || ConfigFile.NOT_YET_SUPPORTED.contains(key)) {
            return;
        }
        assertThat(refusal("{\"boot-source\": {\"kernel_image_path\": \"vmlinux\"}, " + jsonString(key) + ": 1}"))
                .isEqualTo(KeyPath.key("", key) + ": unknown key");
    }

    @ParameterizedTest
    @MethodSource("keys")
    void everyUnknownMachineKeyIsRefusedByName(String key) {
        if (MACHINE.contains(key)) {
            return;
        }
        assertThat(refusal("{\"boot-source\": {\"kernel_image_path\": \"vmlinux\"}, \"machine-config\": "
                + "{\"vcpu_count\": 1, " + jsonString(key) + ": {}, \"mem_size_mib\": 64}}"))
                .isEqualTo(KeyPath.key("machine-config", key) + ": unknown key");
    }

    static Stream<byte[]> garbage() {
        Random r = new Random(42);
        String alphabet = "{}[]\":,0123456789.-+eE \n\\/tfnrulasxbo_";
        String prefix = "{\"boot-source\": {\"kernel_image_path\": \"vmlinux\"}, ";
        Stream<byte[]> bytes = IntStream.range(0, 300).mapToObj(i -> {
            byte[] b = new byte[r.nextInt(100)];
            r.nextBytes(b);
            return b;
        });
        Stream<byte[]> jsonish = IntStream.range(0, 700).mapToObj(i ->
                (prefix + randomString(r, alphabet, r.nextInt(80))).getBytes(StandardCharsets.UTF_8));
        Stream<byte[]> deep = Stream.of(("[".repeat(5000)).getBytes(StandardCharsets.UTF_8),
                ("{\"a\":1" + "9".repeat(5000) + "}").getBytes(StandardCharsets.UTF_8));
        return Stream.of(bytes, jsonish, deep).flatMap(s -> s);
    }

    @ParameterizedTest
    @MethodSource("garbage")
    void anyInputIsParsedOrRefusedInOneLine(byte[] input) {
        try {
            ConfigFile.parse(input, "vm.json", dir);
        } catch (ConfigException e) {
            ConfigFileTest.checkedOneLine(e.getMessage());
        }
    }

    static Stream<BigInteger[]> counts() {
        Random r = new Random(7);
        return IntStream.range(0, 500).mapToObj(i -> new BigInteger[] {count(r), count(r)});
    }

    private static BigInteger count(Random r) {
        return switch (r.nextInt(3)) {
            case 0 -> BigInteger.valueOf(r.nextInt(46) - 5);
            case 1 -> BigInteger.valueOf(r.nextInt(3 << 20) - 5);
            default -> new BigInteger(72, r).subtract(BigInteger.ONE.shiftLeft(71));
        };
    }

    /** Flags and JSON share one path: the same values give the same config or the same message. */
    @ParameterizedTest
    @MethodSource("counts")
    void flagsAndJsonAgree(BigInteger cpus, BigInteger mem) {
        String json = "{\"boot-source\": {\"kernel_image_path\": \"vmlinux\"}, \"machine-config\": {\"vcpu_count\": "
                + cpus + ", \"mem_size_mib\": " + mem + "}}";
        Object fromJson = outcome(() -> ConfigFile.parse(json.getBytes(StandardCharsets.UTF_8), "vm.json", dir));
        Object fromFlags = outcome(() -> new QuickFlags("vmlinux", null, null, cpus.toString(), mem.toString())
                .toVmConfig(dir));
        assertThat(fromFlags).isEqualTo(fromJson);
    }

    private static Object outcome(Supplier<VmConfig> build) {
        try {
            return build.get();
        } catch (ConfigException e) {
            return e.getMessage();
        }
    }
}
