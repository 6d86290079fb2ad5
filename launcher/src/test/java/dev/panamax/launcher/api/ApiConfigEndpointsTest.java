package dev.panamax.launcher.api;

import dev.panamax.launcher.logging.LogOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The pre-boot endpoints: each body bound to the config model, refused in the config file's words. */
class ApiConfigEndpointsTest extends ApiServerFixture {
    @Test
    void everyPreBootEndpointShowsInTheFullConfig() throws Exception {
        assertThat(client.put("/boot-source", bootSource()).status()).isEqualTo(204);
        assertThat(client.put("/machine-config", "{\"vcpu_count\": 2, \"mem_size_mib\": 256}").status()).isEqualTo(204);
        assertThat(client.patch("/machine-config", "{\"mem_size_mib\": 512, \"vcpu_count\": null}").status())
                .isEqualTo(204);
        assertThat(client.put("/drives/rootfs", drive("rootfs", rootfs, true)).status()).isEqualTo(204);
        assertThat(client.put("/drives/data", drive("data", data, false)).status()).isEqualTo(204);
        // the same id again replaces the drive in its place
        assertThat(client.put("/drives/rootfs", "{\"drive_id\": \"rootfs\", \"path_on_host\": \"%s\", "
                .formatted(rootfs) + "\"is_root_device\": true, \"is_read_only\": true}").status()).isEqualTo(204);
        assertThat(client.put("/entropy", "{}").status()).isEqualTo(204);
        // lo stands in for a TAP: the config only checks that the interface exists
        assertThat(client.put("/network-interfaces/eth0", "{\"iface_id\": \"eth0\", \"host_dev_name\": \"lo\", "
                + "\"guest_mac\": \"06:00:AC:10:00:02\"}").status()).isEqualTo(204);
        Path socket = kernel.resolveSibling("v.sock");
        assertThat(client.put("/vsock", "{\"guest_cid\": 3, \"uds_path\": \"%s\"}".formatted(socket)).status())
                .isEqualTo(204);

        ApiClient.Reply config = client.get("/vm/config");
        assertThat(config.status()).isEqualTo(200);
        assertThat(config.body()).isEqualTo("{\"boot-source\":{\"kernel_image_path\":\"" + kernel
                + "\",\"boot_args\":\"console=ttyS0\"},"
                + "\"machine-config\":{\"vcpu_count\":2,\"mem_size_mib\":512,\"smt\":false,\"track_dirty_pages\":false,"
                + "\"huge_pages\":\"None\"},"
                + "\"drives\":[{\"drive_id\":\"rootfs\",\"path_on_host\":\"" + rootfs
                + "\",\"is_root_device\":true,\"is_read_only\":true},"
                + "{\"drive_id\":\"data\",\"path_on_host\":\"" + data + "\",\"is_root_device\":false}],"
                + "\"entropy\":{},"
                + "\"network-interfaces\":[{\"iface_id\":\"eth0\",\"host_dev_name\":\"lo\","
                + "\"guest_mac\":\"06:00:AC:10:00:02\"}],"
                + "\"vsock\":{\"guest_cid\":3,\"uds_path\":\"" + socket + "\"}}");
        assertThat(client.get("/machine-config").body()).isEqualTo("{\"vcpu_count\":2,\"mem_size_mib\":512,"
                + "\"smt\":false,\"track_dirty_pages\":false,\"huge_pages\":\"None\"}");
    }

    @Test
    void beforeAnyPutTheMachineIsFirecrackersDefault() throws Exception {
        assertThat(client.get("/machine-config").body()).isEqualTo("{\"vcpu_count\":1,\"mem_size_mib\":128,"
                + "\"smt\":false,\"track_dirty_pages\":false,\"huge_pages\":\"None\"}");
        assertThat(client.get("/vm/config").body()).isEqualTo("{\"machine-config\":{\"vcpu_count\":1,"
                + "\"mem_size_mib\":128,\"smt\":false,\"track_dirty_pages\":false,\"huge_pages\":\"None\"},\"drives\":[],"
                + "\"network-interfaces\":[]}");
    }

    @Test
    void aPutReplacesTheWholeSectionAndAPatchOnlyItsKeys() throws Exception {
        client.put("/machine-config", "{\"vcpu_count\": 4, \"mem_size_mib\": 256, \"cpuid_feature_mask\": \"0x1\"}");
        client.patch("/machine-config", "{\"vcpu_count\": 2}");
        assertThat(client.get("/machine-config").body()).contains("\"vcpu_count\":2,\"mem_size_mib\":256")
                .contains("\"cpuid_feature_mask\":\"0x00000000_00000001\"");
        client.put("/machine-config", "{\"vcpu_count\": 1, \"mem_size_mib\": 64}");
        assertThat(client.get("/machine-config").body()).doesNotContain("cpuid_feature_mask");
    }

    @Test
    void aRefusedBodyLeavesTheConfigAsItWas() throws Exception {
        client.put("/machine-config", "{\"vcpu_count\": 2, \"mem_size_mib\": 256}");
        assertFault(client.patch("/machine-config", "{\"vcpu_count\": 64}"),
                "machine-config.vcpu_count 64 is not in 1..32");
        assertThat(client.get("/machine-config").body()).startsWith("{\"vcpu_count\":2,\"mem_size_mib\":256,");
    }

    /** Method | path | body ({@code %s}: a file that exists) | the start of the fault message expected. */
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
        PUT | /boot-source | {"kernel_image_path": 42} | boot-source.kernel_image_path: expected a string, got 42
        PUT | /boot-source | {"boot_args": "console=ttyS0"} | boot-source.kernel_image_path: missing required key
        PUT | /boot-source | {"kernel_image_path": "%s", "bootargs": "x"} | boot-source.bootargs: unknown key
        PUT | /boot-source | {"kernel_image_path": "%s", "kernel_image_path": "%s"} | boot-source.kernel_image_path: duplicate key
        PUT | /boot-source | {"kernel_image_path": "/no/such/vmlinux"} | boot-source.kernel_image_path: /no/such/vmlinux: no such file
        PUT | /boot-source | {"kernel_image_path": "%s", "initrd_path": ""} | boot-source.initrd_path: empty path
        PUT | /boot-source | {"kernel_image_path":  | boot-source: malformed JSON at line 1 column 22: unexpected end-of-input within/between Object entries
        PUT | /boot-source | ["%s"] | boot-source: expected a JSON object at the top level, got an array
        PUT | /boot-source | {"kernel_image_path": "%s"} {} | boot-source: malformed JSON at line 1 column
        PUT | /machine-config | {"vcpu_count": 2.5, "mem_size_mib": 128} | machine-config.vcpu_count: expected an integer, got 2.5
        PUT | /machine-config | {"vcpu_count": "2", "mem_size_mib": 128} | machine-config.vcpu_count: expected an integer, got "2"
        PUT | /machine-config | {"vcpu_count": 0, "mem_size_mib": 128} | machine-config.vcpu_count 0 is not in 1..32
        PUT | /machine-config | {"vcpu_count": 1} | machine-config.mem_size_mib: missing required key
        PUT | /machine-config | {"vcpu_count": 1, "mem_size_mib": 99999999999999999999999} | machine-config.mem_size_mib 99999999999999999999999 is not in 16..1048576
        PUT | /machine-config | {"vcpu_count": 1, "mem_size_mib": 128, "smt": true} | machine-config.smt: smt is not supported
        PUT | /machine-config | {"vcpu_count": 1, "mem_size_mib": 128, "cpu_template": "T2"} | machine-config.cpu_template: "T2" is not supported (only "None")
        PATCH | /machine-config | {"vcpus": 2} | machine-config.vcpus: unknown key
        PATCH | /machine-config | {"mem_size_mib": true} | machine-config.mem_size_mib: expected an integer, got true
        PATCH | /machine-config | {"cpuid_feature_mask": "0xg"} | machine-config.cpuid_feature_mask: expected a 64-bit mask (an integer in 0..2^64-1 or a hex string like "0xffffffff_ffffffff"), got "0xg"
        PUT | /drives/rootfs | {"drive_id": "other", "path_on_host": "%s", "is_root_device": true} | drives.rootfs.drive_id: "other" does not match the id in the path, "rootfs"
        PUT | /drives/rootfs | {"drive_id": "rootfs", "path_on_host": "%s", "is_root_device": "yes"} | drives.rootfs.is_root_device: expected a boolean, got "yes"
        PUT | /drives/rootfs | {"drive_id": "rootfs", "is_root_device": true} | drives.rootfs.path_on_host: missing required key
        PUT | /drives/rootfs | {"drive_id": "rootfs", "path_on_host": "%s", "is_root_device": true, "io_engine": "Async"} | drives.rootfs.io_engine: "Async" is not supported (only "Sync")
        PUT | /drives/rootfs | {"drive_id": "rootfs", "path_on_host": "%s", "is_root_device": true, "cache_type": "Fast"} | drives.rootfs.cache_type: expected "Unsafe" or "Writeback", got "Fast"
        PUT | /drives/rootfs | {"drive_id": "rootfs", "path_on_host": "/no/such.img", "is_root_device": true} | drives.rootfs.path_on_host: /no/such.img: no such file
        PUT | /entropy | {"rate_limiter": {"bandwidth": {"size": 1, "refill_time": 1}}} | entropy.rate_limiter: rate limiting is not supported
        PUT | /entropy | {"rate": 1} | entropy.rate: unknown key
        PUT | /network-interfaces/eth0 | {"iface_id": "eth1", "host_dev_name": "lo"} | network-interfaces.eth0.iface_id: "eth1" does not match the id in the path, "eth0"
        PUT | /network-interfaces/eth0 | {"iface_id": "eth0"} | network-interfaces.eth0.host_dev_name: missing required key
        PUT | /network-interfaces/eth0 | {"iface_id": "eth0", "host_dev_name": "pmxnosuchtap"} | network-interfaces.eth0.host_dev_name: no network interface "pmxnosuchtap" on this host
        PUT | /network-interfaces/eth0 | {"iface_id": "eth0", "host_dev_name": "a/b"} | network-interfaces: host_dev_name "a/b" is not an interface name
        PUT | /network-interfaces/eth0 | {"iface_id": "eth0", "host_dev_name": "lo", "guest_mac": "06:00:ac:10:00"} | network-interfaces.eth0.guest_mac: "06:00:ac:10:00" is not a MAC address
        PUT | /network-interfaces/eth0 | {"iface_id": "eth0", "host_dev_name": "lo", "guest_mac": "01:00:5e:00:00:01"} | network-interfaces.eth0.guest_mac: "01:00:5e:00:00:01" is a multicast MAC address
        PUT | /network-interfaces/eth0 | {"iface_id": "eth0", "host_dev_name": "lo", "rx_rate_limiter": {}} | network-interfaces.eth0.rx_rate_limiter: rate limiting is not supported
        PUT | /network-interfaces/eth0 | {"iface_id": "eth0", "host_dev_name": "lo", "tx_rate_limiter": {}} | network-interfaces.eth0.tx_rate_limiter: rate limiting is not supported
        PUT | /network-interfaces/eth0 | {"iface_id": "eth0", "host_dev_name": "lo", "allow_mmds_requests": true} | network-interfaces.eth0.allow_mmds_requests: unknown key
        PUT | /logger | {"level": "Verbose"} | logger.level: expected "Error", "Warning", "Info", "Debug", "Trace" or "Off", got "Verbose"
        PUT | /logger | {"log_path": "/no/such/dir/fc.log"} | logger.log_path: /no/such/dir/fc.log: directory /no/such/dir does not exist
        PUT | /logger | {"log_path": "/tmp"} | logger.log_path: /tmp: is a directory
        PUT | /logger | {"show_level": "yes"} | logger.show_level: expected a boolean, got "yes"
        PUT | /vsock | {"guest_cid": 2, "uds_path": "/tmp/pmx-v.sock"} | vsock.guest_cid: 2 is not in 3..4294967294
        PUT | /vsock | {"guest_cid": 3} | vsock.uds_path: missing required key
        PUT | /vsock | {"guest_cid": "3", "uds_path": "/tmp/pmx-v.sock"} | vsock.guest_cid: expected an integer, got "3"
        PUT | /vsock | {"guest_cid": 3, "uds_path": "%s"} | vsock.uds_path: %s: already exists
        PUT | /vsock | {"guest_cid": 3, "uds_path": "/no/such/dir/v.sock"} | vsock.uds_path: /no/such/dir/v.sock: directory /no/such/dir does not exist
        PUT | /actions | {"action_type": "Reboot"} | action_type: expected "FlushMetrics", "InstanceStart" or "SendCtrlAltDel", got "Reboot"
        PUT | /actions | {} | action_type: missing required key
        PUT | /actions | {"action_type": "InstanceStart", "payload": "x"} | payload: unknown key
        PUT | /actions | {"action_type": 1} | action_type: expected a string, got 1
        PATCH | /vm | {"state": "Stopped"} | state: expected "Paused" or "Resumed", got "Stopped"
        PATCH | /vm | "Paused" | vm: expected a JSON object at the top level, got "Paused"
        """)
    void aMalformedBodyIsA400NamingTheKeyAndTheServerGoesOn(String method, String path, String body, String fault)
            throws Exception {
        ApiClient.Reply reply = client.send(method, path, body.replace("%s", kernel.toString()));
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.fault()).startsWith(fault.replace("%s", kernel.toString())).doesNotContain("\n", "Exception", "jackson");
        assertStillServing();
        assertThat(vm.started).isEmpty();
    }

    @Test
    void aDriveThatIsADirectoryOrNotWritableIsNamed() throws Exception {
        assertFault(client.put("/drives/rootfs", drive("rootfs", dir, true)),
                "drives.rootfs.path_on_host: " + dir + ": is a directory");
        if (rootfs.toFile().setWritable(false) && !Files.isWritable(rootfs)) { // root writes anyway
            assertThat(client.put("/drives/rootfs", drive("rootfs", rootfs, true)).fault())
                    .startsWith("drives.rootfs.path_on_host: " + rootfs + ": not writable");
        }
    }

    @Test
    void putLoggerSendsTheLogToTheFileInFirecrackersShape() throws Exception {
        Path log = kernel.resolveSibling("fc.log");
        try {
            assertThat(client.put("/logger", ("{\"log_path\": \"%s\", \"level\": \"Info\", \"show_level\": true, "
                    + "\"show_log_origin\": false}").formatted(log)).status()).isEqualTo(204);
            assertFault(client.put("/machine-config", "{\"vcpu_count\": 0, \"mem_size_mib\": 128}"),
                    "machine-config.vcpu_count 0 is not in 1..32");
            assertThat(Files.readAllLines(log)).anySatisfy(line -> assertThat(line).matches(
                    "\\S+ \\[anonymous-instance:[^:]+:INFO\\] PUT /machine-config: 400 .*vcpu_count 0 is not in 1\\.\\.32.*"));
            assertThat(client.get("/vm/config").body()).contains("\"logger\":{\"log_path\":\"" + log
                    + "\",\"level\":\"Info\",\"show_level\":true,\"show_log_origin\":false}");
        } finally {
            LogOutput.configureDefaults("anonymous-instance");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "PUT, /balloon, balloon",
        "GET, /balloon, balloon",
        "PUT, /mmds, mmds",
        "PUT, /mmds/config, mmds-config",
        "PUT, /cpu-config, cpu-config",
        "PUT, /serial, serial"})
    void sectionsPanamaxDoesNotImplementAreRefusedAsTheConfigFileRefusesThem(String method, String path, String key)
            throws Exception {
        assertFault(client.send(method, path, method.equals("GET") ? null : "{\"log_path\": \"/tmp/x\"}"),
                key + ": not supported yet");
        assertStillServing();
    }
}
