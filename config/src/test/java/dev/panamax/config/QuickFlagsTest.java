package dev.panamax.config;

import dev.panamax.vmm.MacAddress;
import dev.panamax.vmm.VmConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class QuickFlagsTest {
    @TempDir
    Path dir;
    Path kernel;

    @BeforeEach
    void kernel() throws IOException {
        kernel = Files.writeString(dir.resolve("vmlinux"), "k");
    }

    private String error(QuickFlags flags) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> flags.toVmConfig(dir));
        assertThat(e).as("refused").isNotNull();
        return ConfigFileTest.checkedOneLine(e.getMessage());
    }

    @Test
    void defaultsAreFirecrackers() {
        VmConfig config = new QuickFlags("vmlinux", null, null, null, null).toVmConfig(dir);

        assertThat(config.boot().kernelImage()).isEqualTo(kernel);
        assertThat(config.boot().initrd()).isEmpty();
        assertThat(config.boot().bootArgs()).isEqualTo(VmConfig.BootSource.DEFAULT_BOOT_ARGS);
        assertThat(config.machine()).isEqualTo(new VmConfig.Machine(1, 128));
    }

    @Test
    void allFlags() throws IOException {
        Path initrd = Files.writeString(dir.resolve("initrd.cpio"), "i");
        VmConfig config = new QuickFlags(kernel.toString(), "initrd.cpio", "console=ttyS0 quiet", "4", "2048")
                .toVmConfig(dir);

        assertThat(config.boot().kernelImage()).isEqualTo(kernel);
        assertThat(config.boot().initrd()).isEqualTo(Optional.of(initrd));
        assertThat(config.boot().bootArgs()).isEqualTo("console=ttyS0 quiet");
        assertThat(config.machine()).isEqualTo(new VmConfig.Machine(4, 2048));
    }

    @Test
    void anyGiven() {
        assertThat(new QuickFlags(null, null, null, null, null).anyGiven()).isFalse();
        assertThat(new QuickFlags(null, null, null, null, "64").anyGiven()).isTrue();
    }

    @Test
    void kernelIsRequired() {
        assertThat(error(new QuickFlags(null, null, null, "2", null))).isEqualTo("--kernel: missing required option");
    }

    @Test
    void sameFileMessagesAsTheConfigFile() {
        assertThat(error(new QuickFlags("bzImage", null, null, null, null)))
                .isEqualTo("boot-source.kernel_image_path: " + dir.resolve("bzImage") + ": no such file");
        assertThat(error(new QuickFlags("vmlinux", "nope", null, null, null)))
                .isEqualTo("boot-source.initrd_path: " + dir.resolve("nope") + ": no such file");
    }

    @Test
    void sameRangeMessagesAsTheConfigFile() {
        assertThat(error(new QuickFlags("vmlinux", null, null, "0", null)))
                .isEqualTo("machine-config.vcpu_count 0 is not in 1..32");
        assertThat(error(new QuickFlags("vmlinux", null, null, "-3", null)))
                .isEqualTo("machine-config.vcpu_count -3 is not in 1..32");
        assertThat(error(new QuickFlags("vmlinux", null, null, null, "2097152")))
                .isEqualTo("machine-config.mem_size_mib 2097152 is not in 16..1048576");
        assertThat(error(new QuickFlags("vmlinux", null, null, null, "99999999999999999999999")))
                .isEqualTo("machine-config.mem_size_mib 99999999999999999999999 is not in 16..1048576");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1G", "1024M", "1024MiB", "", " 64", "0x40", "64.0", "+64", "sixty-four"})
    void memIsAPlainNumberOfMib(String mem) {
        assertThat(error(new QuickFlags("vmlinux", null, null, null, mem)))
                .isEqualTo("--mem: expected a whole number of MiB (e.g. 1024), got " + Show.quote(mem));
    }

    @Test
    void cpusMustBeANumber() {
        assertThat(error(new QuickFlags("vmlinux", null, null, "two", null)))
                .isEqualTo("--cpus: expected a whole number of vCPUs, got \"two\"");
        assertThat(error(new QuickFlags("vmlinux", null, null, "2\n", null)))
                .isEqualTo("--cpus: expected a whole number of vCPUs, got \"2\\n\"");
    }

    @Test
    void flagsAndJsonBuildTheSameConfig() throws IOException {
        Files.writeString(dir.resolve("initrd"), "i");
        VmConfig fromFlags = new QuickFlags("vmlinux", "initrd", "console=ttyS0", "2", "256").toVmConfig(dir);
        VmConfig fromJson = ConfigFile.parse("""
                {"boot-source": {"kernel_image_path": "vmlinux", "initrd_path": "initrd", "boot_args": "console=ttyS0"},
                 "machine-config": {"vcpu_count": 2, "mem_size_mib": 256}}
                """.getBytes(StandardCharsets.UTF_8), "vm.json", dir);
        assertThat(fromFlags).isEqualTo(fromJson);
    }

    // --- --drive and --entropy ---

    private static QuickFlags drives(String... values) {
        return new QuickFlags("vmlinux", null, null, null, null, List.of(values), false, List.of(), null);
    }

    @Test
    void drivesInOrderTheFirstIsRoot() throws IOException {
        Path a = Files.writeString(dir.resolve("a"), "a");
        Path b = Files.writeString(dir.resolve("b"), "b");
        VmConfig config = drives("a,ro", "b").toVmConfig(dir);

        assertThat(config.drives()).containsExactly(
                new VmConfig.Drive("drive0", a, true, true),
                new VmConfig.Drive("drive1", b, false, false));
        assertThat(config.entropy()).isEmpty();
    }

    @Test
    void noDrivesByDefault() {
        assertThat(new QuickFlags("vmlinux", null, null, null, null, null, false, List.of(), null).toVmConfig(dir).drives()).isEmpty();
        assertThat(new QuickFlags("vmlinux", null, null, null, null).toVmConfig(dir).drives()).isEmpty();
    }

    @Test
    void entropy() {
        assertThat(new QuickFlags("vmlinux", null, null, null, null, List.of(), true, List.of(), null).toVmConfig(dir).entropy())
                .contains(new VmConfig.Entropy());
    }

    @Test
    void drivesAndEntropyCountAsGiven() {
        assertThat(new QuickFlags(null, null, null, null, null, List.of("a"), false, List.of(), null).anyGiven()).isTrue();
        assertThat(new QuickFlags(null, null, null, null, null, List.of(), true, List.of(), null).anyGiven()).isTrue();
        assertThat(new QuickFlags(null, null, null, null, null, List.of(), false, List.of(), null).anyGiven()).isFalse();
        assertThat(error(new QuickFlags(null, null, null, null, null, List.of("a"), false, List.of(), null)))
                .isEqualTo("--kernel: missing required option");
    }

    @Test
    void netsAndVsock() {
        VmConfig config = new QuickFlags("vmlinux", null, null, null, null, List.of(), false,
                List.of("lo,mac=06:00:ac:10:00:02"), "3,v,1.sock").toVmConfig(dir);
        assertThat(config.networkInterfaces()).containsExactly(
                new VmConfig.NetworkInterface("eth0", "lo", Optional.of(MacAddress.parse("06:00:ac:10:00:02"))));
        assertThat(config.vsock()).contains(new VmConfig.Vsock(3, dir.resolve("v,1.sock")));
        assertThat(new QuickFlags(null, null, null, null, null, List.of(), false, List.of(), "3,x").anyGiven()).isTrue();
        assertThat(new QuickFlags(null, null, null, null, null, List.of(), false, List.of("t"), null).anyGiven())
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ",mac=06:00:ac:10:00:02", "tap0,ro", "a,b"})
    void netIsTapOptionallyCommaMac(String value) {
        assertThat(error(new QuickFlags("vmlinux", null, null, null, null, List.of(), false, List.of(value), null)))
                .isEqualTo("--net: expected TAP[,mac=MAC], got " + Show.quote(value));
    }

    @Test
    void netAndVsockProblemsNameTheirKeysOrFlags() {
        assertThat(error(new QuickFlags("vmlinux", null, null, null, null, List.of(), false, List.of("lo", "lo"), null)))
                .isEqualTo("network-interfaces: host_dev_name \"lo\" is used twice");
        assertThat(error(new QuickFlags("vmlinux", null, null, null, null, List.of(), false, List.of("lo,mac=1"), null)))
                .isEqualTo("network-interfaces[0].guest_mac: \"1\" is not a MAC address (six hex pairs separated by ':')");
        assertThat(error(new QuickFlags("vmlinux", null, null, null, null, List.of(), false, List.of(), "3")))
                .isEqualTo("--vsock: expected CID,PATH, got \"3\"");
        assertThat(error(new QuickFlags("vmlinux", null, null, null, null, List.of(), false, List.of(), "x,v.sock")))
                .isEqualTo("--vsock: expected CID,PATH with a whole-number CID, got \"x\"");
        assertThat(error(new QuickFlags("vmlinux", null, null, null, null, List.of(), false, List.of(), "1,v.sock")))
                .isEqualTo("vsock.guest_cid: 1 is not in 3..4294967294 (0 to 2 are reserved)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"x,rw", "x,RO", "x,ro,ro", "a,b", "x,", "x, ro"})
    void driveIsPathOptionallyCommaRo(String value) throws IOException {
        Files.writeString(dir.resolve("x"), "x");
        assertThat(error(drives("vmlinux", value)))
                .isEqualTo("--drive: expected PATH[,ro], got " + Show.quote(value));
    }

    @Test
    void sameDriveFileMessagesAsTheConfigFile() throws IOException {
        assertThat(error(drives("rootfs.ext4")))
                .isEqualTo("drives[0].path_on_host: " + dir.resolve("rootfs.ext4") + ": no such file");
        assertThat(error(drives("vmlinux", "data.img,ro")))
                .isEqualTo("drives[1].path_on_host: " + dir.resolve("data.img") + ": no such file");
        assertThat(error(drives(",ro"))).isEqualTo("drives[0].path_on_host: empty path");
    }

    @Test
    void flagsAndJsonBuildTheSameConfigWithDrives() throws IOException {
        Files.writeString(dir.resolve("rootfs.ext4"), "r");
        Files.writeString(dir.resolve("data.img"), "d");
        VmConfig fromFlags = new QuickFlags("vmlinux", null, "console=ttyS0 root=/dev/vda", null, null,
                List.of("rootfs.ext4,ro", "data.img"), true, List.of(), null).toVmConfig(dir);
        VmConfig fromJson = ConfigFile.parse("""
                {"boot-source": {"kernel_image_path": "vmlinux", "boot_args": "console=ttyS0 root=/dev/vda"},
                 "drives": [{"drive_id": "drive0", "path_on_host": "rootfs.ext4", "is_root_device": true, "is_read_only": true},
                            {"drive_id": "drive1", "path_on_host": "data.img", "is_root_device": false}],
                 "entropy": {}}
                """.getBytes(StandardCharsets.UTF_8), "vm.json", dir);
        assertThat(fromFlags).isEqualTo(fromJson);
        assertThat(fromFlags.drives()).hasSize(2);
    }
}
