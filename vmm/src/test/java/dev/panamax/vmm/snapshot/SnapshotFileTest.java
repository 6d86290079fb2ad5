package dev.panamax.vmm.snapshot;

import dev.panamax.kvm.CpuidEntry;
import dev.panamax.kvm.sys.kvm_debugregs;
import dev.panamax.kvm.sys.kvm_irqchip;
import dev.panamax.kvm.sys.kvm_lapic_state;
import dev.panamax.kvm.sys.kvm_pit_state2;
import dev.panamax.kvm.sys.kvm_regs;
import dev.panamax.kvm.sys.kvm_sregs;
import dev.panamax.kvm.sys.kvm_vcpu_events;
import dev.panamax.kvm.sys.kvm_xcrs;
import dev.panamax.vcpu.VcpuState;
import dev.panamax.virtio.DeviceState;
import dev.panamax.virtio.TransportState;
import dev.panamax.vmm.MacAddress;
import dev.panamax.vmm.PanamaxVersion;
import dev.panamax.vmm.VmConfig;
import dev.panamax.vmm.device.LegacyDeviceState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotFileTest {
    private static final HostCpu CPU = new HostCpu("AuthenticAMD", 25, 1);
    private static final String NAME = "vm.snap";

    /** A state with every kind of section filled with recognisable bytes. */
    static SnapshotState sample() {
        Random random = new Random(14);
        VmConfig config = new VmConfig(
                new VmConfig.BootSource(Path.of("/k/bzImage"), Optional.of(Path.of("/k/initrd")), "console=ttyS0"),
                new VmConfig.Machine(2, 128, 0xFFFF_0000_FFFFL),
                List.of(new VmConfig.Drive("root", Path.of("/d/root.ext4"), true, true),
                        new VmConfig.Drive("data", Path.of("/d/data.img"), false, false,
                                VmConfig.Drive.CacheType.WRITEBACK)),
                Optional.of(new VmConfig.Entropy()),
                List.of(new VmConfig.NetworkInterface("eth0", "tap0", Optional.of(new MacAddress(0x0602_0304_0506L)))),
                Optional.of(new VmConfig.Vsock(3, Path.of("/run/v.sock"))), true, Optional.of("snap-test"));
        List<VcpuState> vcpus = List.of(vcpu(0, random), vcpu(1, random));
        SnapshotState.Vm vm = new SnapshotState.Vm(123_456_789L, bytes(random, kvm_irqchip.LAYOUT.byteSize()),
                bytes(random, kvm_irqchip.LAYOUT.byteSize()), bytes(random, kvm_irqchip.LAYOUT.byteSize()),
                bytes(random, kvm_pit_state2.LAYOUT.byteSize()));
        LegacyDeviceState.Serial serial = new LegacyDeviceState.Serial(3, 3, 0xb, 0x42, 1, 0, true, false,
                "ls\n".getBytes());
        LegacyDeviceState.Keyboard keyboard = new LegacyDeviceState.Keyboard(0x45, 0xfa, -1, false, new byte[] {0x1d});
        TransportState transport = new TransportState(2, 0xf, 0x1_3000_0200L, 1, 1, 0, 1, 2, true,
                List.of(new TransportState.QueueState(256, true, 0x10000, 0x11000, 0x12000, true, 65535, 7, 6)));
        List<SnapshotState.Virtio> virtio = List.of(
                new SnapshotState.Virtio(transport, new DeviceState.Block("root", Path.of("/d/root.ext4"), true, false, 2048)),
                new SnapshotState.Virtio(transport, new DeviceState.Net("eth0", OptionalLong.of(0x0602_0304_0506L))),
                new SnapshotState.Virtio(transport, new DeviceState.Vsock(3)),
                new SnapshotState.Virtio(transport, new DeviceState.Stateless(4)));
        return new SnapshotState(config, vcpus, vm, serial, keyboard, virtio);
    }

    private static VcpuState vcpu(int id, Random random) {
        Map<Integer, Long> msrs = new LinkedHashMap<>();
        msrs.put(0x10, random.nextLong());
        msrs.put(0xc0000080, 0xd01L);
        msrs.put(0x4b564d01, random.nextLong());
        return new VcpuState(id, List.of(new CpuidEntry(0, 0, 0, 0xd, 0x68747541, 0x444d4163, 0x69746e65),
                new CpuidEntry(7, 0, 1, 0, random.nextInt(), 0, 0)), 2_500_000, 0,
                bytes(random, kvm_regs.LAYOUT.byteSize()), bytes(random, kvm_sregs.LAYOUT.byteSize()),
                bytes(random, 4096 + 64), bytes(random, kvm_xcrs.LAYOUT.byteSize()),
                bytes(random, kvm_debugregs.LAYOUT.byteSize()), bytes(random, kvm_lapic_state.LAYOUT.byteSize()),
                msrs, bytes(random, kvm_vcpu_events.LAYOUT.byteSize()));
    }

    private static byte[] bytes(Random random, long size) {
        byte[] b = new byte[(int) size];
        random.nextBytes(b);
        return b;
    }

    private static byte[] file() {
        return SnapshotFile.encode(sample(), CPU, PanamaxVersion.VERSION, SnapshotFile.FORMAT_VERSION);
    }

    @Test
    void aWrittenStateReadsBackToTheSameBytes(@TempDir Path dir) throws Exception {
        Path path = dir.resolve(NAME);
        SnapshotFile.write(path, sample(), CPU);
        SnapshotState read = SnapshotFile.read(path, CPU);
        assertThat(read.config()).isEqualTo(sample().config());
        assertThat(read.vcpus().get(1).msrs()).containsExactlyEntriesOf(sample().vcpus().get(1).msrs());
        assertThat(read.vcpus().get(0).xsave()).isEqualTo(sample().vcpus().get(0).xsave());
        assertThat(read.virtio()).extracting(SnapshotState.Virtio::device)
                .containsExactlyElementsOf(sample().virtio().stream().map(SnapshotState.Virtio::device).toList());
        assertThat(read.virtio().get(0).transport()).isEqualTo(sample().virtio().get(0).transport());
        // every byte is the same when written again: nothing was lost on the way
        assertThat(SnapshotFile.encode(read, CPU, PanamaxVersion.VERSION, SnapshotFile.FORMAT_VERSION))
                .isEqualTo(Files.readAllBytes(path));
        assertThat(dir.resolve(NAME + ".tmp")).doesNotExist();
    }

    @Test
    void aTruncatedFileIsRefusedInOneLine() {
        byte[] whole = file();
        for (int length : new int[] {whole.length - 1, whole.length / 2, 30, 12}) {
            assertThatThrownBy(() -> SnapshotFile.decode(Arrays.copyOf(whole, length), NAME, CPU))
                    .isInstanceOf(SnapshotFormatException.class)
                    .hasMessageStartingWith("snapshot vm.snap: truncated: ")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void aCorruptBodyIsRefusedByItsChecksum() {
        byte[] f = file();
        f[f.length - 100] ^= 0x10;
        assertThatThrownBy(() -> SnapshotFile.decode(f, NAME, CPU))
                .hasMessageMatching("snapshot vm\\.snap: corrupt: the body's CRC32C is 0x[0-9a-f]+, the header says 0x[0-9a-f]+");
    }

    @Test
    void anotherFormatVersionIsRefusedNamingBoth() {
        byte[] f = SnapshotFile.encode(sample(), CPU, PanamaxVersion.VERSION, SnapshotFile.FORMAT_VERSION + 1);
        assertThatThrownBy(() -> SnapshotFile.decode(f, NAME, CPU))
                .hasMessage("snapshot vm.snap: format version " + (SnapshotFile.FORMAT_VERSION + 1)
                        + ", this Panamax reads version " + SnapshotFile.FORMAT_VERSION);
    }

    @Test
    void anotherPanamaxVersionIsRefusedNamingBoth() {
        byte[] f = SnapshotFile.encode(sample(), CPU, "9.9.9", SnapshotFile.FORMAT_VERSION);
        assertThatThrownBy(() -> SnapshotFile.decode(f, NAME, CPU))
                .hasMessage("snapshot vm.snap: made by Panamax 9.9.9, this is Panamax " + PanamaxVersion.VERSION);
    }

    @Test
    void anotherCpuModelIsRefusedNamingBoth() {
        HostCpu intel = new HostCpu("GenuineIntel", 6, 85);
        assertThatThrownBy(() -> SnapshotFile.decode(file(), NAME, intel))
                .hasMessage("snapshot vm.snap: made on a AuthenticAMD family 25 model 1, this host is a "
                        + "GenuineIntel family 6 model 85");
        assertThatThrownBy(() -> SnapshotFile.decode(file(), NAME, new HostCpu("AuthenticAMD", 25, 17)))
                .hasMessageContaining("this host is a AuthenticAMD family 25 model 17");
    }

    @Test
    void somethingElseIsNotASnapshot() {
        assertThatThrownBy(() -> SnapshotFile.decode("{\"snapshot_type\":\"Full\"}".getBytes(), NAME, CPU))
                .hasMessage("snapshot vm.snap: not a Panamax snapshot state file (no PMXSNAP magic)");
        assertThatThrownBy(() -> SnapshotFile.decode(new byte[0], NAME, CPU))
                .hasMessage("snapshot vm.snap: not a Panamax snapshot state file (no PMXSNAP magic)");
    }

    @Test
    void bytesAfterTheBodyAreRefused() {
        byte[] f = Arrays.copyOf(file(), file().length + 3);
        assertThatThrownBy(() -> SnapshotFile.decode(f, NAME, CPU))
                .hasMessageStartingWith("snapshot vm.snap: trailing bytes: the header gives a body of ");
    }

    @Test
    void aBodyWithAValidChecksumThatDoesNotParseIsRefusedAsMalformed() {
        // a buggy writer's body, checksummed: the kernel path's length is 0x7f000000 + its own
        byte[] f = file();
        int bodyStart = f.length - StateCodec.encode(sample()).length;
        f[bodyStart] = 0x7f;
        CRC32C crc = new CRC32C();
        crc.update(f, bodyStart, f.length - bodyStart);
        ByteBuffer.wrap(f).putInt(bodyStart - 4, (int) crc.getValue());
        assertThatThrownBy(() -> SnapshotFile.decode(f, NAME, CPU))
                .hasMessage("snapshot vm.snap: malformed body: a string of 2130706442 bytes (at most 1048576)");
    }

    @Test
    void theBodyDecoderUsesEveryByteAndNoMore() {
        byte[] body = StateCodec.encode(sample());
        assertThatThrownBy(() -> StateCodec.decode(Arrays.copyOf(body, body.length - 1)))
                .hasMessage("the body ends early");
        assertThatThrownBy(() -> StateCodec.decode(Arrays.copyOf(body, body.length + 1)))
                .hasMessage("1 bytes left over after the state");
    }

    @Test
    void theHostCpuIsReadFromTheFirstProcessor() {
        HostCpu cpu = HostCpu.parse(List.of("processor\t: 0", "vendor_id\t: GenuineIntel", "cpu family\t: 6",
                "model\t\t: 85", "model name\t: Intel(R) Xeon(R)", "", "processor\t: 1", "vendor_id\t: Other"));
        assertThat(cpu).isEqualTo(new HostCpu("GenuineIntel", 6, 85));
        assertThat(HostCpu.current().vendor()).isNotBlank();
    }
}
