package dev.panamax.launcher;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.io.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import dev.panamax.kvm.ImageLock;
import dev.panamax.vmm.PanamaxVersion;
import dev.panamax.kvm.KvmHost;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher's exit codes and its one-line errors for bad input, run in-process. */
class MainTest {
    @TempDir
    Path dir;

    private record Result(int status, String out, String err) {}

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertUsageError(Result r, String expectedLine) {
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("panamax: " + expectedLine + System.lineSeparator());
    }

    private Path file(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private Path config(String json) throws IOException {
        return file("vm.json", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void snapshotRebaseCopiesTheDiffsDataOverTheBase() throws IOException {
        Path base = file("base.mem", new byte[3 * 4096]);
        byte[] page = new byte[4096];
        java.util.Arrays.fill(page, (byte) 9);
        Path diff = dir.resolve("diff.mem");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(diff.toFile(), "rw")) {
            f.seek(4096);
            f.write(page);
            f.setLength(3 * 4096);
        }
        Result r = run("--snapshot-rebase", base + "," + diff);
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).isEqualTo("panamax: " + diff + " applied over " + base + ": 4096 bytes\n");
        byte[] expected = new byte[3 * 4096];
        System.arraycopy(page, 0, expected, 4096, 4096);
        assertThat(Files.readAllBytes(base)).isEqualTo(expected);

        assertUsageError(run("--snapshot-rebase", base.toString()),
                "--snapshot-rebase: expected BASE,DIFF (two paths), got \"" + base + "\"");
        assertUsageError(run("--snapshot-rebase", base + "," + dir.resolve("none")),
                "--snapshot-rebase: no such file " + dir.resolve("none"));
        assertUsageError(run("--snapshot-rebase", base + "," + diff, "--kernel", "k"),
                "--snapshot-rebase cannot be combined with a VM to run (--kernel, --initrd, --append, --cpus, --mem, "
                        + "--drive, --entropy, --net or --vsock, --config-file, --api-sock or --snapshot-load)");
    }

    @Test
    void versionIsTheBuildsProjectVersion() throws IOException {
        Result r = run("--version");
        assertThat(r.status()).isZero();
        String pom = Files.readString(Path.of("..", "pom.xml"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<artifactId>panamax-parent</artifactId>\\s*"
                + "<version>([^<]+)</version>").matcher(pom);
        assertThat(m.find()).as("the root pom's version").isTrue();
        assertThat(r.out().strip()).isEqualTo("panamax " + m.group(1));
    }

    @Test
    void anInstanceIdIsFirecrackersShape() {
        assertUsageError(run("--id", "my vm"), "--id: expected 1 to 64 letters, digits and '-', got \"my vm\"");
        assertUsageError(run("--id", "x".repeat(65)), "--id: expected 1 to 64 letters, digits and '-', got \""
                + "x".repeat(65) + "\"");
    }

    @Test
    void nothingToBootIsAUsageError() {
        assertUsageError(run(), "nothing to boot: give --config-file FILE or --kernel PATH (see --help)");
    }

    @Test
    void unknownConfigKeyIsNamed() throws IOException {
        Path kernel = file("vmlinux", new byte[64]);
        Path cfg = config("""
                {"boot-source": {"kernel_image_path": "%s"},
                 "machine-config": {"vcpu_count": 1, "mem_size_mib": 128, "vcpus": 2}}""".formatted(kernel));
        Result r = run("--config-file", cfg.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("machine-config.vcpus").doesNotContain("Exception").hasLineCount(1);
    }

    @Test
    void aConfigFilesMetricsFileGetsItsLastLineEvenWhenTheKernelCannotBoot() throws IOException {
        Path kernel = file("vmlinux", new byte[64]);
        Path metrics = dir.resolve("metrics.json");
        Path cfg = config("""
                {"boot-source": {"kernel_image_path": "%s"}, "metrics": {"metrics_path": "%s"}}"""
                .formatted(kernel, metrics));
        Result r = run("--config-file", cfg.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("vmlinux").hasLineCount(1);
        assertThat(Files.readAllLines(metrics)).singleElement().asString().startsWith("{\"utc_timestamp_ms\":");
    }

    @Test
    void anImageAnotherVmWritesIsRefusedInOneLine() throws IOException {
        Path kernel = file("vmlinux", new byte[64]);
        Path image = file("rootfs.ext4", new byte[4096]);
        try (ImageLock otherVm = ImageLock.acquire(image, true)) {
            Result r = run("--kernel", kernel.toString(), "--drive", image.toString());
            assertThat(r.status()).isEqualTo(2);
            assertThat(r.err()).isEqualTo("panamax: drive drive0: disk image " + image + ": in use by another VM (a "
                    + "writable drive needs the image to itself; read-only drives can share it)\n");
        }
        assertThat(image).hasBinaryContent(new byte[4096]);
    }

    @Test
    void noSeccompIsAnOptionAndHelpListsIt() {
        Path missing = dir.resolve("no-such-vmlinux");
        assertUsageError(run("--no-seccomp", "--kernel", missing.toString()),
                "boot-source.kernel_image_path: " + missing + ": no such file");
        assertThat(run("--help").out()).contains("--no-seccomp");
    }

    @Test
    void missingKernelIsNamed() {
        Path missing = dir.resolve("no-such-vmlinux");
        assertUsageError(run("--kernel", missing.toString()),
                "boot-source.kernel_image_path: " + missing + ": no such file");
    }

    @Test
    void missingInitrdIsNamed() throws IOException {
        Path kernel = file("vmlinux", new byte[64]);
        Path missing = dir.resolve("no-initrd");
        assertUsageError(run("--kernel", kernel.toString(), "--initrd", missing.toString()),
                "boot-source.initrd_path: " + missing + ": no such file");
    }

    @Test
    void jfrNeedsAFileItCanWrite() throws IOException {
        Path kernel = file("vmlinux", new byte[64]);
        assertUsageError(run("--jfr", dir.toString(), "--kernel", kernel.toString()),
                "--jfr " + dir + ": is a directory");
        Path nowhere = dir.resolve("no/such/dir/x.jfr");
        assertUsageError(run("--jfr", nowhere.toString(), "--kernel", kernel.toString()),
                "--jfr " + nowhere + ": directory does not exist");
    }

    /** The recording covers the whole launch, so even a launch refused for bad input leaves a readable file. */
    @Test
    void jfrWritesTheRecordingAtExit() throws IOException {
        Path kernel = file("vmlinux", "not a kernel at all".getBytes(StandardCharsets.US_ASCII));
        Path recording = dir.resolve("launch.jfr");
        Result r = run("--jfr", recording.toString(), "--boot-timer", "--kernel", kernel.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).startsWith("panamax: kernel image " + kernel + ": ").hasLineCount(1);
        assertThat(jdk.jfr.consumer.RecordingFile.readAllEvents(recording))
                .anyMatch(e -> e.getEventType().getName().startsWith("jdk."));
    }

    @Test
    void malformedKernelIsNamed() throws IOException {
        Path kernel = file("vmlinux", "not a kernel at all".getBytes(StandardCharsets.US_ASCII));
        Result r = run("--kernel", kernel.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).startsWith("panamax: kernel image " + kernel + ": ").hasLineCount(1);
    }

    @Test
    void truncatedRealKernelIsNamed() throws IOException {
        Path real = Path.of("..", "build", "guest", "bzImage");
        byte[] head = Files.readAllBytes(real);
        Path kernel = file("bzImage", java.util.Arrays.copyOf(head, 4096));
        Result r = run("--kernel", kernel.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).startsWith("panamax: kernel image " + kernel + ": ").hasLineCount(1);
    }

    @Test
    void impossibleSizesAreRefused() throws IOException {
        Path kernel = file("vmlinux", new byte[64]);
        assertUsageError(run("--kernel", kernel.toString(), "--mem", "0"), "machine-config.mem_size_mib 0 is not in 16..1048576");
        assertUsageError(run("--kernel", kernel.toString(), "--cpus", "64"), "machine-config.vcpu_count 64 is not in 1..32");
        assertThat(run("--kernel", kernel.toString(), "--mem", "lots").err()).hasLineCount(1).contains("--mem");
    }

    @Test
    void aDiskImageThatIsNotWholeSectorsIsNamed() throws IOException {
        Path kernel = file("vmlinux", new byte[64]);
        Path disk = file("odd.img", new byte[1000]);
        Result r = run("--kernel", kernel.toString(), "--drive", disk.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).startsWith("panamax: drive drive0: ").contains(disk.toString()).hasLineCount(1);
        assertThat(Files.readAllBytes(disk)).hasSize(1000).containsOnly(0);
    }

    @Test
    void badBootProtocolIsNamed() throws IOException {
        Path kernel = file("vmlinux", new byte[64]);
        assertUsageError(run("--kernel", kernel.toString(), "--boot-protocol", "efi"),
                "--boot-protocol: expected linux or pvh, got \"efi\"");
    }

    @Test
    void pvhOnABzImageIsRefused() {
        Path real = Path.of("..", "build", "guest", "bzImage").toAbsolutePath().normalize();
        Result r = run("--kernel", real.toString(), "--boot-protocol", "pvh");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).startsWith("panamax: kernel image " + real).hasLineCount(1);
    }

    @Test
    void probeAnswersInOneBlockAndExitsZeroWhereThereIsNoKvmDevice() {
        Result r = run("--probe", "--kvm-device", "/dev/no-such-kvm");
        assertThat(r.status()).isZero();
        assertThat(r.out()).hasLineCount(2)
                .startsWith("kvm: /dev/no-such-kvm: no KVM device (ENOENT, ")
                .contains("boots Linux: no; run on a host with VT-x/AMD-V KVM, or inside the nested test host");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void probeSaysWhatThisHostsKvmIs() {
        KvmHost host = KvmHost.probe();
        Result r = run("--probe");
        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith("kvm: " + host.describe() + System.lineSeparator());
        assertThat(r.err()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "vmlinux, /dev/no-such-kvm, '/dev/no-such-kvm: no KVM device (ENOENT, '",
        "bzImage, /dev/null, '/dev/null: not a KVM device (ioctl(KVM_GET_API_VERSION) failed: ENOTTY'",
        "vmlinux, /sys/devices/system/cpu/online, '/sys/devices/system/cpu/online: a KVM device this user may not open'"})
    void bootingWhereKvmCannotBootLinuxIsOneLineAndExitOne(String kernel, String device, String reason) {
        Path real = Path.of("..", "build", "guest", kernel).toAbsolutePath().normalize();
        Result r = run("--kernel", real.toString(), "--kvm-device", device);
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).hasLineCount(1).startsWith("panamax: cannot boot Linux: " + reason);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void whereThisHostCannotBootLinuxTheLauncherSaysWhyInOneLine() {
        KvmHost host = KvmHost.probe();
        if (host.canBootLinux()) { // the probe says so; the Linux-boot tests show it
            assertThat(run("--probe").out()).contains("boots Linux: yes");
            return;
        }
        Path real = Path.of("..", "build", "guest", "vmlinux").toAbsolutePath().normalize();
        Result r = run("--kernel", real.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("panamax: cannot boot Linux: " + host.describe() + "; " + host.remedy()
                + System.lineSeparator());
    }

    @Test
    void anApiSocketPathThatExistsIsRefusedWithItsName() throws IOException {
        Path taken = file("api.sock", "someone else's".getBytes(StandardCharsets.US_ASCII));
        assertUsageError(run("--api-sock", taken.toString()),
                "--api-sock " + taken + ": already exists (another VM's socket? remove it or choose another path)");
        assertThat(taken).hasContent("someone else's");
    }

    @Test
    void theApiComesAloneOrWithAConfigFileNotWithQuickFlags() throws IOException {
        Path kernel = file("vmlinux", new byte[64]);
        Path socket = dir.resolve("api.sock");
        assertUsageError(run("--api-sock", socket.toString(), "--kernel", kernel.toString()),
                "--api-sock cannot be combined with --kernel, --initrd, --append, --cpus, --mem, --drive, --entropy, --net or --vsock "
                        + "(give the VM with --config-file or through the API)");
        assertUsageError(run("--api-sock", socket.toString(), "--boot-protocol", "efi"),
                "--boot-protocol: expected linux or pvh, got \"efi\"");
        assertThat(socket).doesNotExist();
    }

    @Test
    void withAConfigFileTheVmStartsBeforeTheSocketExists() throws IOException {
        Path socket = dir.resolve("api.sock");
        Path bad = config("{\"boot-source\": {\"kernel_image_path\": \"" + dir.resolve("missing") + "\"}}");
        assertUsageError(run("--api-sock", socket.toString(), "--config-file", bad.toString()),
                "boot-source.kernel_image_path: " + dir.resolve("missing") + ": no such file");
        Path real = Path.of("..", "build", "guest", "vmlinux").toAbsolutePath().normalize();
        Path good = config("{\"boot-source\": {\"kernel_image_path\": \"" + real + "\"}}");
        Result r = run("--api-sock", socket.toString(), "--config-file", good.toString(), "--kvm-device",
                "/dev/no-such-kvm");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).hasLineCount(1).startsWith("panamax: cannot boot Linux: /dev/no-such-kvm: no KVM device");
        assertThat(socket).doesNotExist();
    }

    @Test
    void theApiSocketServesUntilTheLauncherEndsAndIsThenRemoved() throws Exception {
        Path socket = dir.resolve("api.sock");
        AtomicReference<Result> result = new AtomicReference<>();
        Thread launcher = Thread.ofPlatform().start(() -> result.set(run("--api-sock", socket.toString(),
                "--kvm-device", "/dev/no-such-kvm")));
        HttpClient http = new HttpClient();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(socket) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            http.start();
            assertThat(send(http, socket, "GET", "/", null).getContentAsString()).contains(
                    "\"state\":\"Not started\"", "\"vmm_version\":\"" + PanamaxVersion.VERSION + "\"");
            Path real = Path.of("..", "build", "guest", "vmlinux").toAbsolutePath().normalize();
            assertThat(send(http, socket, "PUT", "/boot-source", "{\"kernel_image_path\": \"" + real + "\"}").getStatus())
                    .isEqualTo(204);
            // InstanceStart takes the launcher's own boot path: here, to a KVM device that is not there
            ContentResponse start = send(http, socket, "PUT", "/actions", "{\"action_type\": \"InstanceStart\"}");
            assertThat(start.getStatus()).isEqualTo(400);
            assertThat(start.getContentAsString()).startsWith("{\"fault_message\":\"cannot boot Linux: /dev/no-such-kvm: ");
            assertThat(send(http, socket, "GET", "/", null).getContentAsString()).contains("\"state\":\"Not started\"");
        } finally {
            http.stop();
            launcher.interrupt();
            launcher.join();
        }
        assertThat(result.get().status()).isEqualTo(1);
        assertThat(socket).doesNotExist();
    }

    private static ContentResponse send(HttpClient http, Path socket, String method, String path, String json)
            throws Exception {
        Request request = http.newRequest("http://localhost" + path).transport(new Transport.TCPUnix(socket))
                .method(method);
        return (json == null ? request : request.body(new StringRequestContent("application/json", json))).send();
    }

    @Test
    void helpExitsZero() {
        Result r = run("--help");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("--config-file", "--kernel", "--boot-protocol", "--api-sock");
    }

    @Test
    void aSnapshotThatCannotBeRestoredIsOneLineAndExit2() throws IOException {
        Path state = file("vm.snap", "not a snapshot".getBytes(StandardCharsets.UTF_8));
        Path memory = file("vm.mem", new byte[4096]);
        assertUsageError(run("--snapshot-load", state + "," + memory),
                "snapshot " + state + ": not a Panamax snapshot state file (no PMXSNAP magic)");
        assertUsageError(run("--snapshot-load", state.toString()),
                "--snapshot-load: expected STATE,MEM (two paths), got \"" + state + "\"");
        assertUsageError(run("--snapshot-load", state + "," + memory, "--mem", "256"),
                "--snapshot-load cannot be combined with --kernel, --initrd, --append, --cpus, --mem, --drive, "
                        + "--entropy, --net or --vsock");
        Path missing = dir.resolve("none.snap");
        assertThat(run("--snapshot-load", missing + "," + memory).err())
                .startsWith("panamax: snapshot: cannot read " + missing + " and " + memory + ": ");
    }
}
