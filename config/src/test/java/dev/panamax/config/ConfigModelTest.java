package dev.panamax.config;

import dev.panamax.vmm.VmConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The config model as the API will use it: each section read on its own, and every accepted
 * config written back with Firecracker's keys and read again unchanged. Generated input uses a
 * fixed seed, as in {@link ConfigPropertiesTest}.
 */
class ConfigModelTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void files() throws IOException {
        for (String name : AcceptedConfigs.FILES) {
            Files.writeString(dir.resolve(name), name);
        }
    }

    private static <T> T read(String json, Class<T> type) {
        return ConfigJson.read(json.getBytes(StandardCharsets.UTF_8), "body", type);
    }

    private static String refusal(String json, Class<?> type) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> read(json, type));
        assertThat(e).as("refused: %s", json).isNotNull();
        return ConfigFileTest.checkedOneLine(e.getMessage());
    }

    @Test
    void aBootSourceIsReadAndWrittenOnItsOwn() {
        BootSourceConfig boot = read("{\"kernel_image_path\": \"vmlinux\", \"boot_args\": \"console=ttyS0\"}",
                BootSourceConfig.class);

        assertThat(boot).isEqualTo(new BootSourceConfig("vmlinux", null, "console=ttyS0"));
        assertThat(ConfigJson.write(boot)).isEqualTo("{\"kernel_image_path\":\"vmlinux\",\"boot_args\":\"console=ttyS0\"}");
        assertThat(boot.toBootSource(dir).kernelImage()).isEqualTo(dir.resolve("vmlinux"));
    }

    @Test
    void aSectionOnItsOwnIsRefusedWithPathsFromItsTop() {
        assertThat(refusal("{\"boot_args\": \"x\"}", BootSourceConfig.class))
                .isEqualTo("kernel_image_path: missing required key");
        assertThat(refusal("{\"kernel_image_path\": \"vmlinux\", \"initrd\": \"x\"}", BootSourceConfig.class))
                .isEqualTo("initrd: unknown key");
        assertThat(refusal("[]", BootSourceConfig.class))
                .isEqualTo("body: expected a JSON object at the top level, got []");
        assertThat(refusal("{\"drive_id\": \"d\", \"is_root_device\": 1}", DriveConfig.class))
                .isEqualTo("is_root_device: expected a boolean, got 1");
        assertThat(refusal("{\"vcpu_count\": 2.0, \"mem_size_mib\": 64}", MachineConfig.class))
                .isEqualTo("vcpu_count: expected an integer, got 2.0");
    }

    @Test
    void otherSectionsAreReadOnTheirOwn() {
        assertThat(read("{\"vcpu_count\": 2, \"mem_size_mib\": 256, \"smt\": false}", MachineConfig.class))
                .isEqualTo(new MachineConfig(BigInteger.TWO, BigInteger.valueOf(256), false, null, null, null, null));
        assertThat(read("{\"drive_id\": \"rootfs\", \"path_on_host\": \"rootfs.ext4\", \"is_root_device\": true}",
                DriveConfig.class))
                .isEqualTo(new DriveConfig("rootfs", "rootfs.ext4", true, null, null, null, null, null, null));
        assertThat(read("{}", EntropyConfig.class)).isEqualTo(new EntropyConfig(null));
    }

    @Test
    void writesFirecrackersKeys() {
        FirecrackerConfig config = new FirecrackerConfig(
                new BootSourceConfig("vmlinux", "initrd", "console=ttyS0"),
                new MachineConfig(BigInteger.TWO, BigInteger.valueOf(256), false, false, "None", "None",
                        new FeatureMask(0xffff_0000_0000_ffffL)),
                List.of(new DriveConfig("rootfs", "rootfs.ext4", true, false, null, DriveConfig.CacheType.WRITEBACK,
                        DriveConfig.IoEngine.SYNC, null, null)),
                new EntropyConfig(null),
                List.of(new NetworkInterfaceConfig("eth0", "tap0", "06:00:ac:10:00:02")),
                new VsockConfig(BigInteger.valueOf(3), "/tmp/v.sock"));

        assertThat(ConfigJson.write(config)).isEqualTo("{"
                + "\"boot-source\":{\"kernel_image_path\":\"vmlinux\",\"initrd_path\":\"initrd\",\"boot_args\":\"console=ttyS0\"},"
                + "\"machine-config\":{\"vcpu_count\":2,\"mem_size_mib\":256,\"smt\":false,\"track_dirty_pages\":false,"
                + "\"cpu_template\":\"None\",\"huge_pages\":\"None\",\"cpuid_feature_mask\":\"0xffff0000_0000ffff\"},"
                + "\"drives\":[{\"drive_id\":\"rootfs\",\"path_on_host\":\"rootfs.ext4\",\"is_root_device\":true,"
                + "\"is_read_only\":false,\"cache_type\":\"Writeback\",\"io_engine\":\"Sync\"}],"
                + "\"entropy\":{},"
                + "\"network-interfaces\":[{\"iface_id\":\"eth0\",\"host_dev_name\":\"tap0\","
                + "\"guest_mac\":\"06:00:ac:10:00:02\"}],"
                + "\"vsock\":{\"guest_cid\":3,\"uds_path\":\"/tmp/v.sock\"}}");
    }

    /** Configs the reader accepts, in every spelling it accepts: optional keys absent, null or given. */
    static Stream<String> acceptedConfigs() {
        Random r = new Random(0xc0ffee);
        return IntStream.range(0, 400).mapToObj(i -> AcceptedConfigs.random(r, dir).toString());
    }


    @ParameterizedTest
    @MethodSource("acceptedConfigs")
    void anAcceptedConfigWrittenBackReadsTheSame(String json) {
        FirecrackerConfig model = read(json, FirecrackerConfig.class);
        VmConfig vm = model.toVmConfig(dir);

        String written = ConfigJson.write(model);
        FirecrackerConfig again = read(written, FirecrackerConfig.class);

        assertThat(again).as(written).isEqualTo(model);
        assertThat(again.toVmConfig(dir)).isEqualTo(vm);
        assertThat(ConfigFile.parse(written.getBytes(StandardCharsets.UTF_8), "written", dir)).isEqualTo(vm);
    }
}
