package dev.panamax.config;

import dev.panamax.vmm.MacAddress;
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
import java.nio.file.attribute.PosixFilePermissions;
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
    void noLenientCoercions() throws IOException {
        assertThat(error(machine("\"vcpu_count\": \"2\", \"mem_size_mib\": 64")))
                .isEqualTo("machine-config.vcpu_count: expected an integer, got \"2\"");
        assertThat(error(machine("\"vcpu_count\": 2.0, \"mem_size_mib\": 64")))
                .isEqualTo("machine-config.vcpu_count: expected an integer, got 2.0");
        assertThat(error(machine("\"vcpu_count\": true, \"mem_size_mib\": 64")))
                .isEqualTo("machine-config.vcpu_count: expected an integer, got true");
        assertThat(error(machine("\"vcpu_count\": 2, \"mem_size_mib\": 64, \"smt\": 0")))
                .isEqualTo("machine-config.smt: expected a boolean, got 0");
        assertThat(error("{\"boot-source\": {\"kernel_image_path\": \"vmlinux.bin\", \"boot_args\": true}}"))
                .isEqualTo("boot-source.boot_args: expected a string, got true");
        assertThat(error("{\"boot-source\": \"\"}")).isEqualTo("boot-source: expected an object, got \"\"");
        assertThat(error(drive(ROOT + ", \"cache_type\": \"\"")))
                .isEqualTo("drives[0].cache_type: expected \"Unsafe\" or \"Writeback\", got \"\"");
        assertThat(error(vm("\"drives\": [null]"))).isEqualTo("drives[0]: expected an object, got null");
    }

    @Test
    void javaNamesAreNotKeys() throws IOException {
        assertThat(error("{\"boot-source\": {\"kernel_image_path\": \"vmlinux.bin\", \"kernelImagePath\": \"x\"}}"))
                .isEqualTo("boot-source.kernelImagePath: unknown key");
        assertThat(error(vm("\"bootSource\": {}"))).isEqualTo("bootSource: unknown key");
        assertThat(error(drive(ROOT + ", \"isRootDevice\": true"))).isEqualTo("drives[0].isRootDevice: unknown key");
        assertThat(error(drive(ROOT + ", \"rootDevice\": true"))).isEqualTo("drives[0].rootDevice: unknown key");
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
        assertThat(error(machine("\"vcpu_count\": 2, \"mem_size_mib\": 1024, \"cpu_template\": \"T2\"")))
                .isEqualTo("machine-config.cpu_template: \"T2\" is not supported (only \"None\")");
        assertThat(error(machine("\"vcpu_count\": 2, \"mem_size_mib\": 1024, \"huge_pages\": \"2M\"")))
                .isEqualTo("machine-config.huge_pages: \"2M\" is not supported (only \"None\")");
    }

    // --- drives and entropy ---

    private Path image(String name) throws IOException {
        return Files.writeString(dir.resolve(name), "disk image");
    }

    @Test
    void drivesAndEntropyParse() throws IOException {
        Path rootfs = image("rootfs.ext4");
        Path data = image("data.img");
        VmConfig config = read(vm("""
                "drives": [
                  {"drive_id": "rootfs", "path_on_host": "rootfs.ext4", "is_root_device": true,
                   "is_read_only": false, "partuuid": null, "cache_type": "Unsafe", "io_engine": "Sync",
                   "rate_limiter": null, "socket": null},
                  {"drive_id": "data", "path_on_host": "%s", "is_root_device": false, "is_read_only": true,
                   "cache_type": "Writeback"}
                ],
                "entropy": {"rate_limiter": null}""".formatted(data)));

        assertThat(config.drives()).containsExactly(
                new VmConfig.Drive("rootfs", rootfs, true, false),
                new VmConfig.Drive("data", data, false, true, VmConfig.Drive.CacheType.WRITEBACK));
        assertThat(config.drives().getFirst().pathOnHost()).isAbsolute();
        assertThat(config.entropy()).contains(new VmConfig.Entropy());
    }

    @Test
    void isReadOnlyIsOptionalAndFalseByDefault() throws IOException {
        Path rootfs = image("rootfs.ext4");
        VmConfig config = read(vm("""
                "drives": [{"drive_id": "rootfs", "path_on_host": "rootfs.ext4", "is_root_device": true}]"""));
        assertThat(config.drives()).containsExactly(new VmConfig.Drive("rootfs", rootfs, true, false));
    }

    @Test
    void noDrivesAndNoEntropy() throws IOException {
        for (String members : List.of("\"drives\": [], \"entropy\": null", "\"drives\": null", "\"machine-config\": null")) {
            VmConfig config = read(vm(members));
            assertThat(config.drives()).as(members).isEmpty();
            assertThat(config.entropy()).as(members).isEmpty();
        }
    }

    @Test
    void anEmptyEntropySectionAttachesTheDevice() throws IOException {
        assertThat(read(vm("\"entropy\": {}")).entropy()).contains(new VmConfig.Entropy());
    }

    private static String drive(String members) {
        return vm("\"drives\": [{" + members + "}]");
    }

    private static final String ROOT = "\"drive_id\": \"rootfs\", \"path_on_host\": \"rootfs.ext4\", \"is_root_device\": true";

    @Test
    void missingDriveFile() throws IOException {
        assertThat(error(drive(ROOT))).isEqualTo("drives[0].path_on_host: " + dir.resolve("rootfs.ext4") + ": no such file");
        Files.createDirectory(dir.resolve("rootfs.ext4"));
        assertThat(error(drive(ROOT))).isEqualTo("drives[0].path_on_host: " + dir.resolve("rootfs.ext4") + ": is a directory");
    }

    @Test
    void unknownDriveKey() throws IOException {
        image("rootfs.ext4");
        assertThat(error(vm("""
                "drives": [{"drive_id": "rootfs", "path_on_host": "rootfs.ext4", "is_root_device": true},
                           {"drive_id": "data", "path_on_host": "rootfs.ext4", "is_root_device": false,
                            "readonly": true}]""")))
                .isEqualTo("drives[1].readonly: unknown key");
    }

    @Test
    void driveWrongTypes() throws IOException {
        assertThat(error(drive("\"drive_id\": \"rootfs\", \"path_on_host\": \"rootfs.ext4\", \"is_root_device\": \"true\"")))
                .isEqualTo("drives[0].is_root_device: expected a boolean, got \"true\"");
        assertThat(error(drive("\"drive_id\": 1, \"path_on_host\": \"rootfs.ext4\", \"is_root_device\": true")))
                .isEqualTo("drives[0].drive_id: expected a string, got 1");
        assertThat(error(drive(ROOT + ", \"is_read_only\": \"yes\"")))
                .isEqualTo("drives[0].is_read_only: expected a boolean, got \"yes\"");
        assertThat(error(drive(ROOT + ", \"cache_type\": \"writeback\"")))
                .isEqualTo("drives[0].cache_type: expected \"Unsafe\" or \"Writeback\", got \"writeback\"");
        assertThat(error(drive(ROOT + ", \"io_engine\": 1")))
                .isEqualTo("drives[0].io_engine: expected a string, got 1");
        assertThat(error(vm("\"drives\": {}"))).isEqualTo("drives: expected an array, got {}");
        assertThat(error(vm("\"drives\": [\"rootfs.ext4\"]"))).isEqualTo("drives[0]: expected an object, got \"rootfs.ext4\"");
        assertThat(error(vm("\"entropy\": true"))).isEqualTo("entropy: expected an object, got true");
    }

    @Test
    void driveMissingKeys() throws IOException {
        assertThat(error(drive("\"path_on_host\": \"rootfs.ext4\", \"is_root_device\": true")))
                .isEqualTo("drives[0].drive_id: missing required key");
        assertThat(error(drive("\"drive_id\": \"rootfs\", \"is_root_device\": true")))
                .isEqualTo("drives[0].path_on_host: missing required key");
        // optional in Firecracker's model (vhost-user drives have none), so null is absent
        assertThat(error(drive("\"drive_id\": \"rootfs\", \"path_on_host\": null, \"is_root_device\": true")))
                .isEqualTo("drives[0].path_on_host: missing required key");
        assertThat(error(drive("\"drive_id\": \"rootfs\", \"path_on_host\": \"rootfs.ext4\"")))
                .isEqualTo("drives[0].is_root_device: missing required key");
    }

    @Test
    void duplicateDriveId() throws IOException {
        image("a.img");
        image("b.img");
        assertThat(error(vm("""
                "drives": [{"drive_id": "disk", "path_on_host": "a.img", "is_root_device": true},
                           {"drive_id": "disk", "path_on_host": "b.img", "is_root_device": false}]""")))
                .isEqualTo("drives: drive_id \"disk\" is used twice");
    }

    @Test
    void twoRootDevices() throws IOException {
        image("a.img");
        image("b.img");
        assertThat(error(vm("""
                "drives": [{"drive_id": "a", "path_on_host": "a.img", "is_root_device": true},
                           {"drive_id": "b", "path_on_host": "b.img", "is_root_device": true}]""")))
                .isEqualTo("drives: more than one drive has is_root_device true");
    }

    @Test
    void driveIdLength() throws IOException {
        image("rootfs.ext4");
        assertThat(error(drive("\"drive_id\": \"\", \"path_on_host\": \"rootfs.ext4\", \"is_root_device\": true")))
                .isEqualTo("drives: drive_id \"\" must be 1 to 20 characters");
        assertThat(error(drive("\"drive_id\": \"abcdefghijklmnopqrstu\", \"path_on_host\": \"rootfs.ext4\", \"is_root_device\": true")))
                .isEqualTo("drives: drive_id \"abcdefghijklmnopqrstu\" must be 1 to 20 characters");
    }

    @Test
    void tooManyDrives() throws IOException {
        image("a.img");
        StringBuilder drives = new StringBuilder();
        for (int i = 0; i <= VmConfig.MAX_DRIVES; i++) {
            drives.append(i == 0 ? "" : ", ").append("{\"drive_id\": \"d").append(i)
                    .append("\", \"path_on_host\": \"a.img\", \"is_root_device\": false, \"is_read_only\": true}");
        }
        assertThat(error(vm("\"drives\": [" + drives + "]"))).isEqualTo("drives: 14 drives, at most 13");
    }

    @Test
    void cacheTypeIsFirecrackers() throws IOException {
        image("rootfs.ext4");
        assertThat(read(drive(ROOT + ", \"cache_type\": \"Writeback\"")).drives().getFirst().cacheType())
                .isEqualTo(VmConfig.Drive.CacheType.WRITEBACK);
        assertThat(read(drive(ROOT + ", \"cache_type\": \"Unsafe\"")).drives().getFirst().cacheType())
                .isEqualTo(VmConfig.Drive.CacheType.UNSAFE);
        assertThat(read(drive(ROOT)).drives().getFirst().cacheType()).isEqualTo(VmConfig.Drive.CacheType.UNSAFE);
    }

    @Test
    void networkInterfacesAndVsock() throws IOException {
        VmConfig config = read(vm("""
                "network-interfaces": [{"iface_id": "eth0", "host_dev_name": "lo", "guest_mac": "06:00:ac:10:00:02"}],
                "vsock": {"vsock_id": "vsock0", "guest_cid": 3, "uds_path": "v.sock"}"""));
        assertThat(config.networkInterfaces()).containsExactly(new VmConfig.NetworkInterface("eth0", "lo",
                Optional.of(MacAddress.parse("06:00:ac:10:00:02"))));
        assertThat(config.vsock()).contains(new VmConfig.Vsock(3, dir.resolve("v.sock")));
    }

    @Test
    void networkInterfaceProblemsNameTheKey() throws IOException {
        assertThat(error(vm("\"network-interfaces\": [{\"iface_id\": \"eth0\", \"host_dev_name\": \"pmxnone0\"}]")))
                .startsWith("network-interfaces[0].host_dev_name: no network interface \"pmxnone0\" on this host");
        assertThat(error(vm("\"network-interfaces\": [{\"iface_id\": \"a\", \"host_dev_name\": \"lo\"}, "
                + "{\"iface_id\": \"a\", \"host_dev_name\": \"lo\"}]")))
                .isEqualTo("network-interfaces: iface_id \"a\" is used twice");
        assertThat(error(vm("\"network-interfaces\": [{\"iface_id\": \"a\", \"host_dev_name\": \"lo\", "
                + "\"guest_mac\": \"zz:00:00:00:00:00\"}]")))
                .isEqualTo("network-interfaces[0].guest_mac: \"zz:00:00:00:00:00\" is not a MAC address (six hex pairs "
                        + "separated by ':')");
        assertThat(error(vm("\"network-interfaces\": [null]"))).startsWith("network-interfaces[0]");
        assertThat(error(vm("\"network-interfaces\": {}"))).startsWith("network-interfaces: expected");
    }

    @Test
    void vsockProblemsNameTheKey() throws IOException {
        Files.writeString(dir.resolve("taken.sock"), "");
        assertThat(error(vm("\"vsock\": {\"guest_cid\": 3, \"uds_path\": \"taken.sock\"}")))
                .startsWith("vsock.uds_path: " + dir.resolve("taken.sock") + ": already exists");
        assertThat(error(vm("\"vsock\": {\"guest_cid\": 0, \"uds_path\": \"v.sock\"}")))
                .isEqualTo("vsock.guest_cid: 0 is not in 3..4294967294 (0 to 2 are reserved)");
        assertThat(error(vm("\"vsock\": {\"guest_cid\": 4294967295, \"uds_path\": \"v.sock\"}")))
                .startsWith("vsock.guest_cid: 4294967295 is not in");
        assertThat(error(vm("\"vsock\": {\"uds_path\": \"v.sock\"}"))).isEqualTo("vsock.guest_cid: missing required key");
        assertThat(error(vm("\"vsock\": {\"guest_cid\": 3, \"uds_path\": \"v.sock\", \"cid\": 3}")))
                .isEqualTo("vsock.cid: unknown key");
    }

    @Test
    void unsupportedDriveOptions() throws IOException {
        image("rootfs.ext4");
        assertThat(error(drive(ROOT + ", \"partuuid\": \"0eaa91a0-01\"")))
                .isEqualTo("drives[0].partuuid: partuuid is not supported");
        assertThat(error(drive(ROOT + ", \"io_engine\": \"Async\"")))
                .isEqualTo("drives[0].io_engine: \"Async\" is not supported (only \"Sync\")");
        assertThat(error(drive(ROOT + ", \"io_engine\": \"Uring\"")))
                .isEqualTo("drives[0].io_engine: expected \"Sync\" or \"Async\", got \"Uring\"");
        assertThat(error(drive(ROOT + ", \"rate_limiter\": {\"bandwidth\": {\"size\": 1, \"refill_time\": 100}}")))
                .isEqualTo("drives[0].rate_limiter: rate limiting is not supported");
        assertThat(error(drive("\"drive_id\": \"rootfs\", \"is_root_device\": true, \"socket\": \"/run/vhost.sock\"")))
                .isEqualTo("drives[0].socket: vhost-user drives are not supported");
    }

    @Test
    void entropyRefusals() throws IOException {
        assertThat(error(vm("\"entropy\": {\"rate_limiter\": {\"ops\": {\"size\": 10, \"refill_time\": 100}}}")))
                .isEqualTo("entropy.rate_limiter: rate limiting is not supported");
        assertThat(error(vm("\"entropy\": {\"source\": \"/dev/urandom\"}")))
                .isEqualTo("entropy.source: unknown key");
    }

    @Test
    void readWriteDriveMustBeWritable() throws IOException {
        Path rootfs = image("rootfs.ext4");
        Files.setPosixFilePermissions(rootfs, PosixFilePermissions.fromString("r--r--r--"));
        // root may write any file it can read, except an immutable one: CI runs as root
        boolean immutable = Files.isWritable(rootfs);
        if (immutable) {
            chattr("+i", rootfs);
        }
        try {
            assertThat(Files.isWritable(rootfs)).isFalse();
            assertThat(error(drive(ROOT)))
                    .isEqualTo("drives[0].path_on_host: " + rootfs + ": not writable (for a read-only drive give "
                            + "is_read_only: true, or PATH,ro to --drive)");
            assertThat(read(drive(ROOT + ", \"is_read_only\": true")).drives().getFirst().isReadOnly()).isTrue();
        } finally {
            if (immutable) {
                chattr("-i", rootfs);
            }
        }
    }

    private static void chattr(String change, Path file) throws IOException {
        try {
            Process p = new ProcessBuilder("chattr", change, file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("chattr %s %s: %s", change, file, out).isZero();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
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
