package dev.panamax.launcher.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.panamax.vmm.DeviceException;
import dev.panamax.vmm.VmConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** InstanceStart, the actions and PATCH /vm, driven through a fake VM; and what each state refuses. */
class ApiLifecycleTest extends ApiServerFixture {
    private static final String INSTANCE_START = "{\"action_type\": \"InstanceStart\"}";

    @Test
    void getSlashAndVersionSayWhatPanamaxIs() throws Exception {
        assertThat(client.get("/").body()).isEqualTo("{\"id\":\"anonymous-instance\",\"state\":\"Not started\","
                + "\"vmm_version\":\"test-1.2.3\",\"app_name\":\"Panamax\"}");
        assertThat(client.get("/version").body()).isEqualTo("{\"firecracker_version\":\"test-1.2.3\"}");
    }

    @Test
    void instanceStartBootsTheConfigTheRequestsMade() throws Exception {
        client.put("/machine-config", "{\"vcpu_count\": 2, \"mem_size_mib\": 256}");
        client.put("/drives/rootfs", drive("rootfs", rootfs, true));
        client.put("/entropy", "{}");
        start();
        assertThat(vm.started).containsExactly(new VmConfig(
                new VmConfig.BootSource(kernel, Optional.empty(), "console=ttyS0"), new VmConfig.Machine(2, 256),
                List.of(new VmConfig.Drive("rootfs", rootfs, true, false)), Optional.of(new VmConfig.Entropy())));
        assertThat(state()).isEqualTo("Running");
    }

    @Test
    void aSecondInstanceStartIsRefused() throws Exception {
        start();
        assertFault(client.put("/actions", INSTANCE_START), "InstanceStart: not supported after starting the microVM");
        assertThat(vm.started).hasSize(1);
    }

    @Test
    void instanceStartWithoutABootSourceIsRefusedAndNothingStarts() throws Exception {
        assertFault(client.put("/actions", INSTANCE_START),
                "boot-source: missing: give one (PUT /boot-source) before InstanceStart");
        assertThat(state()).isEqualTo("Not started");
    }

    @Test
    void aStartThatFailsLeavesTheVmNotStartedToBeTriedAgain() throws Exception {
        vm.startRefusal = new DeviceException("drive rootfs: /x: not whole sectors", null);
        client.put("/boot-source", bootSource());
        assertFault(client.put("/actions", INSTANCE_START), "drive rootfs: /x: not whole sectors");
        assertThat(state()).isEqualTo("Not started");
        assertThat(client.put("/actions", INSTANCE_START).status()).isEqualTo(204);
        assertThat(state()).isEqualTo("Running");
    }

    @Test
    void twoRootDrivesAreRefusedAtInstanceStart() throws Exception {
        client.put("/drives/rootfs", drive("rootfs", rootfs, true));
        client.put("/drives/data", drive("data", data, true));
        client.put("/boot-source", bootSource());
        assertFault(client.put("/actions", INSTANCE_START), "drives: more than one drive has is_root_device true");
        assertThat(vm.started).isEmpty();
    }

    @Test
    void pauseAndResumeGoThroughTheLifecycleAndShowInTheState() throws Exception {
        assertThat(state()).isEqualTo("Not started");
        start();
        assertThat(state()).isEqualTo("Running");
        assertThat(client.patch("/vm", "{\"state\": \"Paused\"}").status()).isEqualTo(204);
        assertThat(state()).isEqualTo("Paused");
        assertThat(client.patch("/vm", "{\"state\": \"Resumed\"}").status()).isEqualTo(204);
        assertThat(state()).isEqualTo("Running");
    }

    @Test
    void aLifecycleThatCannotPauseSaysSo() throws Exception {
        start();
        vm.pauseRefusal = new VmActionException("vm.state: pausing a microVM is not supported yet");
        assertFault(client.patch("/vm", "{\"state\": \"Paused\"}"), "vm.state: pausing a microVM is not supported yet");
        assertThat(state()).isEqualTo("Running");
    }

    @Test
    void snapshotCreateWritesTheFilesOfThePausedVm() throws Exception {
        start();
        String body = "{\"snapshot_type\": \"Full\", \"snapshot_path\": \"/s/vm.snap\", \"mem_file_path\": \"/s/vm.mem\"}";
        assertFault(client.put("/snapshot/create", body),
                "snapshot/create: cannot snapshot: the VM is running; pause it first");
        client.patch("/vm", "{\"state\": \"Paused\"}");
        assertThat(client.put("/snapshot/create", body).status()).isEqualTo(204);
        assertThat(client.put("/snapshot/create", body.replace("Full", "Diff")).status()).isEqualTo(204);
        assertThat(client.put("/snapshot/create", body.replace("\"snapshot_type\": \"Full\", ", "")).status())
                .isEqualTo(204);
        assertThat(vm.snapshots).containsExactly("FULL:/s/vm.snap,/s/vm.mem", "DIFF:/s/vm.snap,/s/vm.mem",
                "FULL:/s/vm.snap,/s/vm.mem");
        assertFault(client.put("/snapshot/create", "{\"snapshot_path\": \"/s/vm.snap\"}"),
                "mem_file_path: missing required key");
    }

    @Test
    void snapshotLoadRestoresInsteadOfInstanceStartWithTheOverrides() throws Exception {
        assertThat(client.put("/snapshot/load", "{\"snapshot_path\": \"/s/vm.snap\", \"mem_backend\": "
                + "{\"backend_type\": \"File\", \"backend_path\": \"/s/vm.mem\"}, \"resume_vm\": true, "
                + "\"network_overrides\": [{\"iface_id\": \"eth0\", \"host_dev_name\": \"tap7\"}], "
                + "\"vsock_override\": {\"uds_path\": \"/s/v.sock\"}}").status()).isEqualTo(204);
        assertThat(vm.loads).containsExactly(new SnapshotLoad(Path.of("/s/vm.snap"), Path.of("/s/vm.mem"), true,
                java.util.Map.of("eth0", "tap7"), Optional.of(Path.of("/s/v.sock"))));
        assertThat(state()).isEqualTo("Running");
        assertFault(client.put("/snapshot/load", "{\"snapshot_path\": \"/s/vm.snap\", \"mem_file_path\": \"/s/m\"}"),
                "snapshot/load: not supported after starting the microVM");
        assertFault(client.put("/actions", INSTANCE_START), "InstanceStart: not supported after starting the microVM");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"track_dirty_pages", "enable_diff_snapshots"})
    void snapshotLoadWithDirtyPageTrackingGivesTheRestoredVmTracking(String key) throws Exception {
        assertThat(client.put("/snapshot/load", "{\"snapshot_path\": \"/s/vm.snap\", \"mem_file_path\": \"/s/vm.mem\", \""
                + key + "\": true}").status()).isEqualTo(204);
        SnapshotLoad load = vm.loads.getFirst();
        assertThat(load.trackDirtyPages()).isTrue();
        VmConfig saved = new VmConfig(new VmConfig.BootSource(Path.of("/k"), Optional.empty(), ""),
                new VmConfig.Machine(1, 128));
        assertThat(load.applyTo(saved).machine()).isEqualTo(new VmConfig.Machine(1, 128).withTrackDirtyPages(true));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"snapshot_path\": \"/s\"} | snapshot/load: give exactly one of mem_backend and mem_file_path",
        "{\"snapshot_path\": \"/s\", \"mem_file_path\": \"/m\", \"mem_backend\": {\"backend_type\": \"File\", \"backend_path\": \"/m\"}} | snapshot/load: give exactly one of mem_backend and mem_file_path",
        "{\"snapshot_path\": \"/s\", \"mem_backend\": {\"backend_type\": \"Uffd\", \"backend_path\": \"/u\"}} | mem_backend.backend_type: Uffd is not supported (use File)"})
    void snapshotLoadRefusesWhatItCannotDo(String body, String fault) throws Exception {
        assertFault(client.put("/snapshot/load", body), fault);
        assertThat(vm.loads).isEmpty();
        assertThat(state()).isEqualTo("Not started");
    }

    @Test
    void sendCtrlAltDelReachesTheRunningVm() throws Exception {
        start();
        assertThat(client.put("/actions", "{\"action_type\": \"SendCtrlAltDel\"}").status()).isEqualTo(204);
        assertThat(vm.ctrlAltDels).hasValue(1);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "PATCH | /vm | {\"state\": \"Paused\"} | vm: not supported before starting the microVM",
        "PUT | /actions | {\"action_type\": \"SendCtrlAltDel\"} | SendCtrlAltDel: not supported before starting the microVM",
        "PATCH | /drives/rootfs | {\"drive_id\": \"rootfs\", \"path_on_host\": \"/x\"} | drives: not supported before starting the microVM",
        "PATCH | /network-interfaces/eth0 | {\"iface_id\": \"eth0\"} | network-interfaces: not supported before starting the microVM"})
    void runTimeRequestsBeforeStartAreRefused(String method, String path, String body, String fault) throws Exception {
        assertFault(client.send(method, path, body), fault);
        assertThat(vm.ctrlAltDels).hasValue(0);
    }

    @Test
    void preBootRequestsAfterStartAreRefusedAndTheConfigStays() throws Exception {
        start();
        String before = client.get("/vm/config").body();
        assertFault(client.put("/boot-source", bootSource()), "boot-source: not supported after starting the microVM");
        assertFault(client.put("/machine-config", "{\"vcpu_count\": 2, \"mem_size_mib\": 256}"),
                "machine-config: not supported after starting the microVM");
        assertFault(client.patch("/machine-config", "{\"vcpu_count\": 2}"),
                "machine-config: not supported after starting the microVM");
        assertFault(client.put("/drives/rootfs", drive("rootfs", rootfs, true)),
                "drives: not supported after starting the microVM");
        assertFault(client.put("/entropy", "{}"), "entropy: not supported after starting the microVM");
        assertFault(client.put("/network-interfaces/eth0", "{\"iface_id\": \"eth0\", \"host_dev_name\": \"lo\"}"),
                "network-interfaces: not supported after starting the microVM");
        assertFault(client.put("/vsock", "{\"guest_cid\": 3, \"uds_path\": \"/tmp/pmx-never.sock\"}"),
                "vsock: not supported after starting the microVM");
        assertThat(client.get("/vm/config").body()).isEqualTo(before);
        assertThat(client.get("/machine-config").status()).isEqualTo(200);
    }

    @Test
    void patchingADriveOfARunningVmSwapsItsImage() throws Exception {
        client.put("/drives/rootfs", drive("rootfs", rootfs, true));
        start();
        Path bigger = Files.write(rootfs.resolveSibling("bigger.ext4"), new byte[4096]);
        assertThat(client.patch("/drives/rootfs", "{\"drive_id\": \"rootfs\", \"path_on_host\": \"" + bigger + "\"}")
                .status()).isEqualTo(204);
        assertThat(vm.replacedImages).containsExactly("rootfs=" + bigger);
        assertThat(client.get("/vm/config").body()).contains("\"path_on_host\":\"" + bigger + "\"");

        assertFault(client.patch("/drives/rootfs", "{\"drive_id\": \"rootfs\", \"path_on_host\": \"/no/such.img\"}"),
                "drives.rootfs.path_on_host: /no/such.img: no such file");
        assertFault(client.patch("/drives/data", "{\"drive_id\": \"data\", \"path_on_host\": \"" + bigger + "\"}"),
                "drives.data: no such drive");
        assertFault(client.patch("/drives/rootfs", "{\"drive_id\": \"other\", \"path_on_host\": \"" + bigger + "\"}"),
                "drives.rootfs.drive_id: \"other\" does not match the id in the path, \"rootfs\"");
        assertFault(client.patch("/drives/rootfs", "{\"drive_id\": \"rootfs\", \"rate_limiter\": {}}"),
                "drives.rootfs.rate_limiter: rate limiting is not supported");
        assertThat(vm.replacedImages).hasSize(1);
        assertThat(client.get("/vm/config").body()).contains("\"path_on_host\":\"" + bigger + "\"");
    }

    @Test
    void rateLimitingARunningInterfaceIsNotSupported() throws Exception {
        start();
        assertFault(client.patch("/network-interfaces/eth0", "{\"iface_id\": \"eth0\", \"rx_rate_limiter\": {}}"),
                "network-interfaces.eth0: rate limiting is not supported");
    }

    @Test
    void flushMetricsNeedsAMetricsFile() throws Exception {
        assertFault(client.put("/actions", "{\"action_type\": \"FlushMetrics\"}"),
                "FlushMetrics: no metrics file is set up (PUT /metrics first)");
    }

    @Test
    void metricsLinesCarryDeltasPerDeviceAndAggregateAndTheLatencies() throws Exception {
        Path file = rootfs.resolveSibling("metrics.json");
        assertThat(client.put("/metrics", "{\"metrics_path\": \"" + file + "\"}").status()).isEqualTo(204);
        assertFault(client.put("/metrics", "{\"metrics_path\": \"" + file + "\"}"),
                "metrics: already set up (the metrics file cannot be changed)");
        start();
        vm.rootfsReads.set(5);
        client.patch("/vm", "{\"state\": \"Paused\"}");
        client.patch("/vm", "{\"state\": \"Resumed\"}");
        assertThat(client.put("/actions", "{\"action_type\": \"FlushMetrics\"}").status()).isEqualTo(204);
        vm.rootfsReads.set(7);
        assertThat(client.put("/actions", "{\"action_type\": \"FlushMetrics\"}").status()).isEqualTo(204);

        List<JsonNode> lines = Files.readAllLines(file).stream().map(ApiLifecycleTest::json).toList();
        assertThat(lines).hasSize(2);
        JsonNode first = lines.get(0);
        JsonNode second = lines.get(1);
        assertThat(first.get("utc_timestamp_ms").asLong()).isCloseTo(System.currentTimeMillis(), within(60_000L));
        assertThat(first.at("/block_rootfs/read_count").asLong()).isEqualTo(5);
        assertThat(first.at("/block/read_count").asLong()).isEqualTo(5);
        assertThat(second.at("/block_rootfs/read_count").asLong()).isEqualTo(2);
        assertThat(second.at("/block/read_count").asLong()).isEqualTo(2);
        // the requests: two PUT /metrics (one refused) before the first line, FlushMetrics counted once answered
        assertThat(first.at("/put_api_requests/metrics_count").asLong()).isEqualTo(2);
        assertThat(first.at("/put_api_requests/metrics_fails").asLong()).isEqualTo(1);
        assertThat(first.at("/patch_api_requests/vm_count").asLong()).isEqualTo(2);
        assertThat(second.at("/patch_api_requests/vm_count").asLong()).isZero();
        assertThat(first.at("/latencies_us/pause_vm").isIntegralNumber()).isTrue();
        assertThat(first.at("/api_server/process_startup_time_us").asLong()).isPositive();
    }

    private static JsonNode json(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
