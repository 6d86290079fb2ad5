package dev.panamax.launcher.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;

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

        ApiClient.Reply config = client.get("/vm/config");
        assertThat(config.status()).isEqualTo(200);
        assertThat(config.body()).isEqualTo("{\"boot-source\":{\"kernel_image_path\":\"" + kernel
                + "\",\"boot_args\":\"console=ttyS0\"},"
                + "\"machine-config\":{\"vcpu_count\":2,\"mem_size_mib\":512,\"smt\":false,\"track_dirty_pages\":false,"
                + "\"huge_pages\":\"None\"},"
                + "\"drives\":[{\"drive_id\":\"rootfs\",\"path_on_host\":\"" + rootfs
                + "\",\"is_root_device\":true,\"is_read_only\":true},"
                + "{\"drive_id\":\"data\",\"path_on_host\":\"" + data + "\",\"is_root_device\":false}],"
                + "\"entropy\":{}}");
        assertThat(client.get("/machine-config").body()).isEqualTo("{\"vcpu_count\":2,\"mem_size_mib\":512,"
                + "\"smt\":false,\"track_dirty_pages\":false,\"huge_pages\":\"None\"}");
    }

    @Test
    void beforeAnyPutTheMachineIsFirecrackersDefault() throws Exception {
        assertThat(client.get("/machine-config").body()).isEqualTo("{\"vcpu_count\":1,\"mem_size_mib\":128,"
                + "\"smt\":false,\"track_dirty_pages\":false,\"huge_pages\":\"None\"}");
        assertThat(client.get("/vm/config").body()).isEqualTo("{\"machine-config\":{\"vcpu_count\":1,"
                + "\"mem_size_mib\":128,\"smt\":false,\"track_dirty_pages\":false,\"huge_pages\":\"None\"},\"drives\":[]}");
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
        assertThat(reply.fault()).startsWith(fault).doesNotContain("\n", "Exception", "jackson");
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

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "PUT, /network-interfaces/eth0, network-interfaces",
        "PATCH, /network-interfaces/eth0, network-interfaces",
        "PUT, /vsock, vsock",
        "PUT, /logger, logger",
        "PUT, /metrics, metrics",
        "PUT, /balloon, balloon",
        "GET, /balloon, balloon",
        "PUT, /mmds, mmds",
        "PUT, /mmds/config, mmds-config",
        "PUT, /cpu-config, cpu-config",
        "PUT, /snapshot/create, snapshot",
        "PUT, /snapshot/load, snapshot",
        "PUT, /serial, serial"})
    void sectionsPanamaxDoesNotImplementAreRefusedAsTheConfigFileRefusesThem(String method, String path, String key)
            throws Exception {
        assertFault(client.send(method, path, method.equals("GET") ? null : "{\"log_path\": \"/tmp/x\"}"),
                key + ": not supported yet");
        assertStillServing();
    }
}
