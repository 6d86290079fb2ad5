package dev.panamax.vmm.snapshot;

import dev.panamax.kvm.CpuidEntry;
import dev.panamax.vcpu.VcpuState;
import dev.panamax.virtio.DeviceState;
import dev.panamax.virtio.TransportState;
import dev.panamax.vmm.MacAddress;
import dev.panamax.vmm.VmConfig;
import dev.panamax.vmm.boot.BootProtocol;
import dev.panamax.vmm.device.LegacyDeviceState;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The state file's body: {@link SnapshotState} in a fixed order of big-endian fields (Java's
 * {@code DataOutput}): ints and longs as 4 and 8 bytes, booleans as one byte 0 or 1, byte
 * arrays and strings (UTF-8) as a u32 length and the bytes, lists as a u32 count and the
 * items, optional values as a presence boolean and the value, enums by name. The order is the
 * record components' order, section by section: config, vCPUs, VM, serial, i8042, virtio.
 * Decoding is strict: lengths are bounded, booleans must be 0 or 1, and every byte must be used.
 */
final class StateCodec {
    /** Far above any KVM struct (XSAVE with AMX is about 11 KiB) or path; a bound against garbage. */
    private static final int MAX_BYTES = 1 << 20;
    private static final int MAX_ITEMS = 1 << 16;

    private StateCodec() {}

    static byte[] encode(SnapshotState s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            new Writer(out).state(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException naming the first thing that does not parse */
    static SnapshotState decode(byte[] body) {
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        try {
            SnapshotState s = new Reader(new DataInputStream(in)).state();
            if (in.available() != 0) {
                throw new IllegalArgumentException(in.available() + " bytes left over after the state");
            }
            return s;
        } catch (EOFException e) {
            throw new IllegalArgumentException("the body ends early");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Writer(DataOutputStream out) {
        void state(SnapshotState s) throws IOException {
            config(s.config());
            out.writeInt(s.vcpus().size());
            for (VcpuState v : s.vcpus()) {
                vcpu(v);
            }
            SnapshotState.Vm vm = s.vm();
            out.writeLong(vm.clock());
            bytes(vm.picMaster());
            bytes(vm.picSlave());
            bytes(vm.ioapic());
            bytes(vm.pit());
            LegacyDeviceState.Serial u = s.serial();
            for (int r : new int[] {u.ier(), u.lcr(), u.mcr(), u.scratch(), u.divisorLow(), u.divisorHigh()}) {
                out.writeInt(r);
            }
            out.writeBoolean(u.fifoEnabled());
            out.writeBoolean(u.thrEmptyPending());
            bytes(u.pendingInput());
            LegacyDeviceState.Keyboard k = s.keyboard();
            out.writeInt(k.ctr());
            out.writeInt(k.lastRead());
            out.writeInt(k.pendingCommand());
            out.writeBoolean(k.lastWasCommand());
            bytes(k.output());
            out.writeInt(s.virtio().size());
            for (SnapshotState.Virtio v : s.virtio()) {
                transport(v.transport());
                device(v.device());
            }
        }

        void config(VmConfig c) throws IOException {
            VmConfig.BootSource b = c.boot();
            string(b.kernelImage().toString());
            optionalString(b.initrd().map(Path::toString));
            string(b.bootArgs());
            string(b.protocol().name());
            out.writeInt(c.machine().vcpuCount());
            out.writeLong(c.machine().memSizeMib());
            out.writeLong(c.machine().cpuidFeatureMask());
            out.writeInt(c.drives().size());
            for (VmConfig.Drive d : c.drives()) {
                string(d.driveId());
                string(d.pathOnHost().toString());
                out.writeBoolean(d.isRootDevice());
                out.writeBoolean(d.isReadOnly());
                string(d.cacheType().name());
            }
            out.writeBoolean(c.entropy().isPresent());
            out.writeInt(c.networkInterfaces().size());
            for (VmConfig.NetworkInterface n : c.networkInterfaces()) {
                string(n.ifaceId());
                string(n.hostDevName());
                optionalLong(n.guestMac().map(m -> OptionalLong.of(m.bits())).orElse(OptionalLong.empty()));
            }
            out.writeBoolean(c.vsock().isPresent());
            if (c.vsock().isPresent()) {
                out.writeLong(c.vsock().get().guestCid());
                string(c.vsock().get().udsPath().toString());
            }
            out.writeBoolean(c.bootTimer());
            optionalString(c.name());
        }

        void vcpu(VcpuState v) throws IOException {
            out.writeInt(v.id());
            out.writeInt(v.cpuid().size());
            for (CpuidEntry e : v.cpuid()) {
                for (int x : new int[] {e.function(), e.index(), e.flags(), e.eax(), e.ebx(), e.ecx(), e.edx()}) {
                    out.writeInt(x);
                }
            }
            out.writeInt(v.tscKhz());
            out.writeInt(v.mpState());
            bytes(v.regs());
            bytes(v.sregs());
            bytes(v.xsave());
            bytes(v.xcrs());
            bytes(v.debugregs());
            bytes(v.lapic());
            out.writeInt(v.msrs().size());
            for (Map.Entry<Integer, Long> m : v.msrs().entrySet()) {
                out.writeInt(m.getKey());
                out.writeLong(m.getValue());
            }
            bytes(v.vcpuEvents());
        }

        void transport(TransportState t) throws IOException {
            for (int x : new int[] {t.deviceType(), t.status()}) {
                out.writeInt(x);
            }
            out.writeLong(t.driverFeatures());
            for (int x : new int[] {t.deviceFeaturesSel(), t.driverFeaturesSel(), t.queueSel(), t.interruptStatus(),
                    t.configGeneration()}) {
                out.writeInt(x);
            }
            out.writeBoolean(t.activated());
            out.writeInt(t.queues().size());
            for (TransportState.QueueState q : t.queues()) {
                out.writeInt(q.size());
                out.writeBoolean(q.ready());
                out.writeLong(q.descTable());
                out.writeLong(q.availRing());
                out.writeLong(q.usedRing());
                out.writeBoolean(q.active());
                out.writeInt(q.nextAvail());
                out.writeInt(q.nextUsed());
                out.writeInt(q.signalledUsed());
            }
        }

        void device(DeviceState d) throws IOException {
            switch (d) {
                case DeviceState.Stateless s -> {
                    string("stateless");
                    out.writeInt(s.deviceType());
                }
                case DeviceState.Block b -> {
                    string("block");
                    string(b.driveId());
                    string(b.path().toString());
                    out.writeBoolean(b.readOnly());
                    out.writeBoolean(b.offersFlush());
                    out.writeLong(b.sectors());
                }
                case DeviceState.Net n -> {
                    string("net");
                    string(n.ifaceId());
                    optionalLong(n.mac());
                }
                case DeviceState.Vsock v -> {
                    string("vsock");
                    out.writeLong(v.guestCid());
                }
            }
        }

        void bytes(byte[] b) throws IOException {
            out.writeInt(b.length);
            out.write(b);
        }

        void string(String s) throws IOException {
            bytes(s.getBytes(StandardCharsets.UTF_8));
        }

        void optionalString(Optional<String> s) throws IOException {
            out.writeBoolean(s.isPresent());
            if (s.isPresent()) {
                string(s.get());
            }
        }

        void optionalLong(OptionalLong l) throws IOException {
            out.writeBoolean(l.isPresent());
            if (l.isPresent()) {
                out.writeLong(l.getAsLong());
            }
        }
    }

    private record Reader(DataInputStream in) {
        SnapshotState state() throws IOException {
            VmConfig config = config();
            int n = count("vCPUs");
            List<VcpuState> vcpus = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                vcpus.add(vcpu());
            }
            SnapshotState.Vm vm = new SnapshotState.Vm(in.readLong(), bytes("PIC master"), bytes("PIC slave"),
                    bytes("IOAPIC"), bytes("PIT"));
            LegacyDeviceState.Serial serial = new LegacyDeviceState.Serial(in.readInt(), in.readInt(), in.readInt(),
                    in.readInt(), in.readInt(), in.readInt(), bool(), bool(), bytes("serial input"));
            LegacyDeviceState.Keyboard keyboard = new LegacyDeviceState.Keyboard(in.readInt(), in.readInt(),
                    in.readInt(), bool(), bytes("i8042 output"));
            int devices = count("virtio devices");
            List<SnapshotState.Virtio> virtio = new ArrayList<>(devices);
            for (int i = 0; i < devices; i++) {
                virtio.add(new SnapshotState.Virtio(transport(), device()));
            }
            return new SnapshotState(config, vcpus, vm, serial, keyboard, virtio);
        }

        VmConfig config() throws IOException {
            VmConfig.BootSource boot = new VmConfig.BootSource(Path.of(string()), optionalString().map(Path::of),
                    string(), enumValue(BootProtocol.class));
            VmConfig.Machine machine = new VmConfig.Machine(in.readInt(), in.readLong(), in.readLong());
            int n = count("drives");
            List<VmConfig.Drive> drives = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                drives.add(new VmConfig.Drive(string(), Path.of(string()), bool(), bool(),
                        enumValue(VmConfig.Drive.CacheType.class)));
            }
            Optional<VmConfig.Entropy> entropy = bool() ? Optional.of(new VmConfig.Entropy()) : Optional.empty();
            n = count("network interfaces");
            List<VmConfig.NetworkInterface> nets = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String id = string();
                String dev = string();
                OptionalLong mac = optionalLong();
                nets.add(new VmConfig.NetworkInterface(id, dev,
                        mac.isPresent() ? Optional.of(new MacAddress(mac.getAsLong())) : Optional.empty()));
            }
            Optional<VmConfig.Vsock> vsock = bool()
                    ? Optional.of(new VmConfig.Vsock(in.readLong(), Path.of(string()))) : Optional.empty();
            boolean bootTimer = bool();
            return new VmConfig(boot, machine, drives, entropy, nets, vsock, bootTimer, optionalString());
        }

        VcpuState vcpu() throws IOException {
            int id = in.readInt();
            int n = count("CPUID entries");
            List<CpuidEntry> cpuid = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                cpuid.add(new CpuidEntry(in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                        in.readInt(), in.readInt()));
            }
            int tscKhz = in.readInt();
            int mpState = in.readInt();
            byte[] regs = bytes("regs");
            byte[] sregs = bytes("sregs");
            byte[] xsave = bytes("xsave");
            byte[] xcrs = bytes("xcrs");
            byte[] debugregs = bytes("debugregs");
            byte[] lapic = bytes("lapic");
            int m = count("MSRs");
            Map<Integer, Long> msrs = new LinkedHashMap<>();
            for (int i = 0; i < m; i++) {
                int index = in.readInt();
                if (msrs.put(index, in.readLong()) != null) {
                    throw new IllegalArgumentException("vCPU " + id + ": MSR 0x" + Integer.toHexString(index) + " twice");
                }
            }
            return new VcpuState(id, cpuid, tscKhz, mpState, regs, sregs, xsave, xcrs, debugregs, lapic, msrs,
                    bytes("vcpu_events"));
        }

        TransportState transport() throws IOException {
            int type = in.readInt();
            int status = in.readInt();
            long features = in.readLong();
            int deviceSel = in.readInt();
            int driverSel = in.readInt();
            int queueSel = in.readInt();
            int interrupt = in.readInt();
            int generation = in.readInt();
            boolean activated = bool();
            int n = count("queues");
            List<TransportState.QueueState> queues = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                queues.add(new TransportState.QueueState(in.readInt(), bool(), in.readLong(), in.readLong(),
                        in.readLong(), bool(), in.readInt(), in.readInt(), in.readInt()));
            }
            return new TransportState(type, status, features, deviceSel, driverSel, queueSel, interrupt, generation,
                    activated, queues);
        }

        DeviceState device() throws IOException {
            String kind = string();
            return switch (kind) {
                case "stateless" -> new DeviceState.Stateless(in.readInt());
                case "block" -> new DeviceState.Block(string(), Path.of(string()), bool(), bool(), in.readLong());
                case "net" -> new DeviceState.Net(string(), optionalLong());
                case "vsock" -> new DeviceState.Vsock(in.readLong());
                default -> throw new IllegalArgumentException("unknown device kind \"" + kind + "\"");
            };
        }

        int count(String what) throws IOException {
            int n = in.readInt();
            if (n < 0 || n > MAX_ITEMS) {
                throw new IllegalArgumentException(n + " " + what + " (at most " + MAX_ITEMS + ")");
            }
            return n;
        }

        byte[] bytes(String what) throws IOException {
            int n = in.readInt();
            if (n < 0 || n > MAX_BYTES) {
                throw new IllegalArgumentException(what + " of " + Integer.toUnsignedString(n) + " bytes (at most "
                        + MAX_BYTES + ")");
            }
            byte[] b = in.readNBytes(n);
            if (b.length != n) {
                throw new EOFException();
            }
            return b;
        }

        String string() throws IOException {
            return new String(bytes("a string"), StandardCharsets.UTF_8);
        }

        Optional<String> optionalString() throws IOException {
            return bool() ? Optional.of(string()) : Optional.empty();
        }

        OptionalLong optionalLong() throws IOException {
            return bool() ? OptionalLong.of(in.readLong()) : OptionalLong.empty();
        }

        boolean bool() throws IOException {
            int b = in.readUnsignedByte();
            if (b > 1) {
                throw new IllegalArgumentException("a boolean byte of " + b);
            }
            return b == 1;
        }

        <E extends Enum<E>> E enumValue(Class<E> type) throws IOException {
            String name = string();
            try {
                return Enum.valueOf(type, name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"" + name + "\" is no " + type.getSimpleName());
            }
        }
    }
}
