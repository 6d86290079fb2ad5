package dev.panamax.vcpu;

import dev.panamax.device.Bus;
import dev.panamax.device.BusDevice;
import dev.panamax.kvm.VmExit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Java half of scripts/bench/exit-rate.sh (not a test): a hand-made long-mode guest does
 * {@code out dx, al} to one port {@code N} times, then halts. Each round runs it twice on a fresh
 * VM: through Panamax's own {@link VcpuLoop} with the port on a {@link Bus} (what a booted VM's
 * vCPU does), and through a bare {@code VcpuFd.run()} loop that reads each exit's port, size
 * and value as the C program does (the FFM call and reads, no dispatch). The script's C program
 * runs the same instructions on the same KVM. One line per run:
 * {@code exit-rate KIND exits=N seconds=S}; a run whose count or data is wrong fails the benchmark.
 *
 * <p>Usage: {@code ExitRateBench EXITS ROUNDS}. A first, unprinted round of each kind warms the
 * JIT up: under the nested host's emulation, interpreted FFM accesses cost more than the exit,
 * and a steady-state VMM has long compiled its vCPU loop.
 */
public final class ExitRateBench {
    /** POST diagnostics port: nothing in KVM claims it without an in-kernel PIT or irqchip. */
    static final int PORT = 0x80;

    private ExitRateBench() {
    }

    /** The guest: ecx = exits; loop: out dx, al; dec ecx; jnz loop; hlt. */
    static byte[] guestCode(int exits) {
        return new X86().movEcx(exits).movDx(PORT).movAl(0x5a)
                .outDxAl().decEcx().jnzBack(3) // back over out (1 byte) and dec (2)
                .hlt().bytes();
    }

    /** Counts the OUTs that reach the bus device; the guest's byte is checked so the write is real work. */
    private static final class CountingPort implements BusDevice {
        long writes;

        @Override
        public long read(long offset, int size) {
            throw new IllegalStateException("the guest only writes port 0x" + Integer.toHexString(PORT));
        }

        @Override
        public void write(long offset, int size, long value) {
            if (offset != 0 || size != 1 || value != 0x5a) {
                throw new IllegalStateException("unexpected OUT at +" + offset + " size " + size + " value " + value);
            }
            writes++;
        }
    }

    /** The machine's ExitHandler in miniature: ports on a Bus, no MMIO in this guest. */
    private record PortBus(Bus pio) implements ExitHandler {
        @Override
        public int pioRead(int port, int size) {
            return (int) pio.read(port, size, 0);
        }

        @Override
        public void pioWrite(int port, int size, int value) {
            pio.write(port, size, Integer.toUnsignedLong(value));
        }

        @Override
        public long mmioRead(long address, int size) {
            throw new IllegalStateException("MMIO read at 0x" + Long.toHexString(address));
        }

        @Override
        public void mmioWrite(long address, int size, long value) {
            throw new IllegalStateException("MMIO write at 0x" + Long.toHexString(address));
        }
    }

    /** Seconds the guest took through a VcpuLoop on its own platform thread, as MicroVm runs one. */
    static double viaVcpuLoop(int exits) throws Exception {
        try (LongModeGuest guest = new LongModeGuest(guestCode(exits), false)) {
            Bus pio = new Bus();
            CountingPort port = new CountingPort();
            pio.register(PORT, 1, port);
            CompletableFuture<StopReason> stopped = new CompletableFuture<>();
            VcpuLoop loop = new VcpuLoop(guest.vcpu, new PortBus(pio), stopped::complete, new PauseGate(1), false);
            long t0 = System.nanoTime();
            Thread thread = loop.start();
            StopReason reason = stopped.get(600, TimeUnit.SECONDS);
            long t1 = System.nanoTime();
            thread.join();
            if (!(reason instanceof StopReason.Shutdown)) {
                throw new IllegalStateException("the guest did not halt: " + reason.describe());
            }
            check(exits, port.writes);
            check(exits, loop.exitCounters().ioOut.get());
            return (t1 - t0) / 1e9;
        }
    }

    /** Seconds the guest took with nothing but VcpuFd.run() per exit, on this thread. */
    static double viaBareRun(int exits) {
        try (LongModeGuest guest = new LongModeGuest(guestCode(exits), false)) {
            guest.vcpu.bindToCurrentThread();
            long n = 0;
            long t0 = System.nanoTime();
            VmExit exit;
            while ((exit = guest.vcpu.run()) instanceof VmExit.Io io) {
                if (io.port() != PORT || !io.isOut() || io.size() != 1 || io.value(0) != 0x5a) {
                    throw new IllegalStateException("unexpected port exit " + io);
                }
                n++;
            }
            long t1 = System.nanoTime();
            guest.vcpu.unbindThread();
            if (exit != VmExit.HLT) {
                throw new IllegalStateException("the guest ended with " + exit + ", not HLT");
            }
            check(exits, n);
            return (t1 - t0) / 1e9;
        }
    }

    private static void check(long expected, long counted) {
        if (counted != expected) {
            throw new IllegalStateException("counted " + counted + " port exits, the guest made " + expected);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: ExitRateBench EXITS ROUNDS");
            System.exit(2);
        }
        int exits = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        viaVcpuLoop(exits);
        viaBareRun(exits);
        for (int round = 0; round < rounds; round++) {
            System.out.printf("exit-rate panamax-vcpuloop exits=%d seconds=%.6f%n", exits, viaVcpuLoop(exits));
            System.out.printf("exit-rate java-bare-run exits=%d seconds=%.6f%n", exits, viaBareRun(exits));
        }
    }
}
