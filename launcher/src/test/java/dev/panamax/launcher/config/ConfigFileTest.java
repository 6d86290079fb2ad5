package dev.panamax.launcher.config;

import dev.panamax.vmm.VmConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConfigFileTest {
    @TempDir
    Path dir;
    Path kernel;

    @BeforeEach
    void kernel() throws IOException {
        kernel = Files.writeString(dir.resolve("vmlinux.bin"), "not really a kernel");
    }

    /** The shape of Firecracker's tests/framework/vm_config.json, with the devices Panamax lacks left empty. */
    private static final String FIRECRACKER_EXAMPLE = """
            {
              "boot-source": {
                "kernel_image_path": "vmlinux.bin",
                "boot_args": "console=ttyS0 reboot=k panic=1 pci=off",
                "initrd_path": null
              },
              "drives": [],
              "machine-config": {
                "vcpu_count": 2,
                "mem_size_mib": 1024,
                "smt": false,
                "track_dirty_pages": false,
                "huge_pages": "None"
              },
              "cpu-config": null,
              "balloon": null,
              "network-interfaces": [],
              "vsock": null,
              "logger": null,
              "metrics": null,
              "mmds-config": null,
              "entropy": null
            }
            """;

    private VmConfig read(String json) throws IOException {
        Path file = Files.writeString(dir.resolve("vm.json"), json);
        return ConfigFile.read(file, dir);
    }

    /** Reads {@code json} expecting a refusal, and returns its one-line message. */
    private String error(String json) throws IOException {
        return errorOf(json.getBytes(StandardCharsets.UTF_8));
    }

    private String errorOf(byte[] json) throws IOException {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigFile.parse(json, "vm.json", dir));
        assertThat(e).as("refused").isNotNull();
        return checkedOneLine(e.getMessage());
    }

    static String checkedOneLine(String message) {
        assertThat(message).doesNotContain("\n", "\r", "jackson", "Jackson", "Exception", "[Source");
        return message;
    }

    private String machine(String members) {
        return "{\"boot-source\": {\"kernel_image_path\": \"vmlinux.bin\"}, \"machine-config\": {" + members + "}}";
    }

    private static String vm(String members) {
        return "{\"boot-source\": {\"kernel_image_path\": \"vmlinux.bin\"}, " + members + "}";
    }

    @Test
    void firecrackerExampleParses() throws IOException {
        VmConfig config = read(FIRECRACKER_EXAMPLE);

        assertThat(config.boot().kernelImage()).isEqualTo(kernel);
        assertThat(config.boot().initrd()).isEmpty();
        assertThat(config.boot().bootArgs()).isEqualTo("console=ttyS0 reboot=k panic=1 pci=off");
        assertThat(config.machine()).isEqualTo(new VmConfig.Machine(2, 1024));
    }

    @Test
    void onlyBootSourceGivesFirecrackerDefaults() throws IOException {
        VmConfig config = read("{\"boot-source\": {\"kernel_image_path\": \"vmlinux.bin\"}}");

        assertThat(config.boot().bootArgs()).isEqualTo(VmConfig.BootSource.DEFAULT_BOOT_ARGS);
        assertThat(config.machine()).isEqualTo(new VmConfig.Machine(1, 128, VmConfig.Machine.ALL_FEATURES));
    }

    @Test
    void nullMachineConfigMeansDefaults() throws IOException {
        assertThat(read(vm("\"machine-config\": null")).machine()).isEqualTo(new VmConfig.Machine(1, 128));
    }

    @Test
    void relativePathsResolveAgainstTheWorkingDirectoryAndAbsoluteOnesStay() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path initrd = Files.writeString(sub.resolve("initrd.cpio"), "x");
        Path file = Files.writeString(sub.resolve("vm.json"), """
                {"boot-source": {"kernel_image_path": "vmlinux.bin", "initrd_path": "%s"}}
                """.formatted(initrd));

        VmConfig config = ConfigFile.read(file, dir);

        assertThat(config.boot().kernelImage()).isEqualTo(kernel).isAbsolute();
        assertThat(config.boot().initrd()).isEqualTo(Optional.of(initrd));
        // Not against the config file's directory, as Firecracker does not either.
        String message = catchThrowableOfType(ConfigException.class,
                () -> ConfigFile.read(file, sub)).getMessage();
        assertThat(message).isEqualTo("boot-source.kernel_image_path: " + sub.resolve("vmlinux.bin") + ": no such file");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"0xffffffff_ffffffff\" | -1",
            "\"0x0\"                 | 0",
            "\"0XFFFF_0000\"         | 4294901760",
            "18446744073709551614    | -2",
            "255                     | 255",
            "null                    | -1",
    })
    void cpuidFeatureMask(String json, long mask) throws IOException {
        VmConfig config = read(machine("\"vcpu_count\": 1, \"mem_size_mib\": 64, \"cpuid_feature_mask\": " + json));
        assertThat(config.machine().cpuidFeatureMask()).isEqualTo(mask);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "18446744073709551616", "\"ffff\"", "\"0x\"", "\"0x1_\"", "\"0x1ffffffffffffffff\"",
            "true", "1.0"})
    void badCpuidFeatureMask(String json) throws IOException {
        assertThat(error(machine("\"vcpu_count\": 1, \"mem_size_mib\": 64, \"cpuid_feature_mask\": " + json)))
                .startsWith("machine-config.cpuid_feature_mask: expected a 64-bit mask (an integer in 0..2^64-1 "
                        + "or a hex string like \"0xffffffff_ffffffff\"), got ");
    }

    @Test
    void acceptedFirecrackerSpellingsOfDefaults() throws IOException {
        VmConfig config = read(machine("\"vcpu_count\": 1, \"mem_size_mib\": 64, \"smt\": null, \"cpu_template\": \"None\", "
                + "\"huge_pages\": null, \"track_dirty_pages\": false"));
        assertThat(config.machine()).isEqualTo(new VmConfig.Machine(1, 64));
    }

    // --- refusals: exactly one line each ---

    @Test
    void unknownTopLevelKey() throws IOException {
        assertThat(error(vm("\"kernel\": \"vmlinux\""))).isEqualTo("kernel: unknown key");
    }

    @Test
    void unknownNestedKey() throws IOException {
        assertThat(error(machine("\"vcpus\": 2, \"vcpu_count\": 2, \"mem_size_mib\": 64")))
                .isEqualTo("machine-config.vcpus: unknown key");
        assertThat(error("{\"boot-source\": {\"kernel_image_path\": \"vmlinux.bin\", \"bootargs\": \"x\"}}"))
                .isEqualTo("boot-source.bootargs: unknown key");
    }

    @Test
    void oddKeysAreQuotedSoTheMessageStaysOneLine() throws IOException {
        assertThat(error(vm("\"a\\nb\": 1"))).isEqualTo("\"a\\nb\": unknown key");
        assertThat(error(vm("\"\": 1"))).isEqualTo("\"\": unknown key");
    }

    @Test
    void wrongTypes() throws IOException {
        assertThat(error(machine("\"vcpu_count\": \"two\", \"mem_size_mib\": 64")))
                .isEqualTo("machine-config.vcpu_count: expected an integer, got \"two\"");
        assertThat(error(machine("\"vcpu_count\": 2.5, \"mem_size_mib\": 64")))
                .isEqualTo("machine-config.vcpu_count: expected an integer, got 2.5");
        assertThat(error(machine("\"vcpu_count\": 2, \"mem_size_mib\": null")))
                .isEqualTo("machine-config.mem_size_mib: expected an integer, got null");
        assertThat(error(machine("\"vcpu_count\": 2, \"mem_size_mib\": 64, \"smt\": \"false\"")))
                .isEqualTo("machine-config.smt: expected a boolean, got \"false\"");
        assertThat(error("{\"boot-source\": {\"kernel_image_path\": [\"vmlinux.bin\"]}}"))
                .isEqualTo("boot-source.kernel_image_path: expected a string, got an array");
        assertThat(error("{\"boot-source\": {\"kernel_image_path\": \"vmlinux.bin\", \"boot_args\": 1}}"))
                .isEqualTo("boot-source.boot_args: expected a string, got 1");
        assertThat(error(vm("\"machine-config\": [1, 1024]")))
                .isEqualTo("machine-config: expected an object, got an array");
        assertThat(error("{\"boot-source\": \"vmlinux.bin\"}"))
                .isEqualTo("boot-source: expected an object, got \"vmlinux.bin\"");
    }

    @Test
    void longValuesAreAbbreviated() throws IOException {
        String message = error(machine("\"vcpu_count\": \"" + "x".repeat(500) + "\", \"mem_size_mib\": 64"));
        assertThat(message).isEqualTo("machine-config.vcpu_count: expected an integer, got \"" + "x".repeat(37) + "...\"");
    }

    @Test
    void missingKernelFile() throws IOException {
        Files.delete(kernel);
        assertThat(error(FIRECRACKER_EXAMPLE))
                .isEqualTo("boot-source.kernel_image_path: " + kernel + ": no such file");
    }

    @Test
    void kernelThatIsNotARegularFile() throws IOException {
        Files.createDirectory(dir.resolve("kdir"));
        assertThat(error("{\"boot-source\": {\"kernel_image_path\": \"kdir\"}}"))
                .isEqualTo("boot-source.kernel_image_path: " + dir.resolve("kdir") + ": is a directory");
        assertThat(error("{\"boot-source\": {\"kernel_image_path\": \"\"}}"))
                .isEqualTo("boot-source.kernel_image_path: empty path");
    }

    @Test
    void missingInitrdFile() throws IOException {
        assertThat(error("{\"boot-source\": {\"kernel_image_path\": \"vmlinux.bin\", \"initrd_path\": \"initrd\"}}"))
                .isEqualTo("boot-source.initrd_path: " + dir.resolve("initrd") + ": no such file");
    }

    @Test
    void missingRequiredKeys() throws IOException {
        assertThat(error("{\"boot-source\": {\"boot_args\": \"console=ttyS0\"}}"))
                .isEqualTo("boot-source.kernel_image_path: missing required key");
        assertThat(error(machine("\"mem_size_mib\": 64")))
                .isEqualTo("machine-config.vcpu_count: missing required key");
        assertThat(error(machine("\"vcpu_count\": 1")))
                .isEqualTo("machine-config.mem_size_mib: missing required key");
        assertThat(error("{\"machine-config\": {\"vcpu_count\": 1, \"mem_size_mib\": 64}}"))
                .isEqualTo("boot-source: missing required key");
    }

    @Test
    void malformedJson() throws IOException {
        assertThat(error("{\n  \"boot-source\": {\"kernel_image_path\": \"vmlinux.bin\"},\n}\n"))
                .matches("vm\\.json: malformed JSON at line 3 column 1: unexpected character \\('}'.*");
        assertThat(error("{\"boot-source\": {\"kernel_image_path\": \"vmlinux.bin\"}"))
                .matches("vm\\.json: malformed JSON at line 1 column \\d+: unexpected end-of-input.*")
                .doesNotContain("start marker");
        assertThat(error("// comment\n{}"))
                .isEqualTo("vm.json: malformed JSON at line 1 column 1: unexpected character ('/' (code 47)): "
                        + "maybe a (non-standard) comment?")
                .doesNotContain("ALLOW_COMMENTS");
        assertThat(error("{\"a\": NaN}")).startsWith("vm.json: malformed JSON at line 1 column ").doesNotContain("`");
        assertThat(error("")).isEqualTo("vm.json: malformed JSON at line 1 column 1: no JSON value (the file is empty)");
        assertThat(error("{} {}"))
                .isEqualTo("vm.json: malformed JSON at line 1 column 4: unexpected content after the top-level value");
        assertThat(errorOf(new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'}))
                .startsWith("vm.json: malformed JSON at line 1 column ");
    }

    @Test
    void notAnObject() throws IOException {
        assertThat(error("[]")).isEqualTo("vm.json: expected a JSON object at the top level, got []");
    }

    @Test
    void duplicateKey() throws IOException {
        assertThat(error(machine("\"vcpu_count\": 1, \"mem_size_mib\": 64, \"vcpu_count\": 2")))
                .isEqualTo("machine-config.vcpu_count: duplicate key");
    }

    @Test
    void messagesNameTheConfigFileAsGiven() throws IOException {
        Path file = Files.writeString(dir.resolve("vm.json"), "{,}");
        assertThat(catchThrowableOfType(ConfigException.class, () -> ConfigFile.read(file, dir)).getMessage())
                .startsWith(file + ": malformed JSON at line 1 column 2: ");
    }

    @Test
    void configFileProblems() {
        Path missing = dir.resolve("nope.json");
        assertThat(catchThrowableOfType(ConfigException.class, () -> ConfigFile.read(missing, dir)).getMessage())
                .isEqualTo(missing + ": no such file");
        assertThat(catchThrowableOfType(ConfigException.class, () -> ConfigFile.read(dir, dir)).getMessage())
                .isEqualTo(dir + ": is a directory");
    }

    @Test
    void vcpuCountZero() throws IOException {
        assertThat(error(machine("\"vcpu_count\": 0, \"mem_size_mib\": 1024")))
                .isEqualTo("machine-config.vcpu_count 0 is not in 1..32");
    }

    @Test
    void vcpuCountBeyondAnyJavaType() throws IOException {
        assertThat(error(machine("\"vcpu_count\": 99999999999, \"mem_size_mib\": 1024")))
                .isEqualTo("machine-config.vcpu_count 99999999999 is not in 1..32");
    }

    @Test
    void memSizeTooLarge() throws IOException {
        assertThat(error(machine("\"vcpu_count\": 1, \"mem_size_mib\": 2097152")))
                .isEqualTo("machine-config.mem_size_mib 2097152 is not in 16..1048576");
        assertThat(error(machine("\"vcpu_count\": 1, \"mem_size_mib\": 100000000000000000000")))
                .isEqualTo("machine-config.mem_size_mib 100000000000000000000 is not in 16..1048576");
    }

    @Test
    void smtTrue() throws IOException {
        assertThat(error(machine("\"vcpu_count\": 2, \"mem_size_mib\": 1024, \"smt\": true")))
                .isEqualTo("machine-config.smt: smt is not supported");
    }

    @Test
    void unsupportedMachineOptions() throws IOException {
        assertThat(error(machine("\"vcpu_count\": 2, \"mem_size_mib\": 1024, \"track_dirty_pages\": true")))
                .isEqualTo("machine-config.track_dirty_pages: dirty page tracking is not supported");
        assertThat(error(machine("\"vcpu_count\": 2, \"mem_size_mib\": 1024, \"cpu_template\": \"T2\"")))
                .isEqualTo("machine-config.cpu_template: \"T2\" is not supported (only \"None\")");
        assertThat(error(machine("\"vcpu_count\": 2, \"mem_size_mib\": 1024, \"huge_pages\": \"2M\"")))
                .isEqualTo("machine-config.huge_pages: \"2M\" is not supported (only \"None\")");
    }

    @Test
    void drivesPresent() throws IOException {
        assertThat(error(vm("""
                "drives": [{"drive_id": "rootfs", "path_on_host": "rootfs.ext4",
                            "is_root_device": true, "is_read_only": false}]""")))
                .isEqualTo("drives: not supported yet");
    }

    static final List<String> notYet = ConfigFile.NOT_YET_SUPPORTED;

    @ParameterizedTest
    @FieldSource("notYet")
    void laterFeaturesAreRecognisedButRefused(String key) throws IOException {
        assertThat(error(vm("\"" + key + "\": {\"x\": 1}"))).isEqualTo(key + ": not supported yet");
        assertThat(error(vm("\"" + key + "\": [1]"))).isEqualTo(key + ": not supported yet");
        assertThat(error(vm("\"" + key + "\": \"/tmp/x\""))).isEqualTo(key + ": not supported yet");
        assertThat(read(vm("\"" + key + "\": null")).machine().vcpuCount()).isEqualTo(1);
        assertThat(read(vm("\"" + key + "\": []")).machine().vcpuCount()).isEqualTo(1);
        assertThat(read(vm("\"" + key + "\": {}")).machine().vcpuCount()).isEqualTo(1);
    }
}
