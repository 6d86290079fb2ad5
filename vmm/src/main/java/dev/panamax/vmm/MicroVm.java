package dev.panamax.vmm;

import dev.panamax.kvm.CpuidEntry;
import dev.panamax.kvm.EventFd;
import dev.panamax.kvm.Kvm;
import dev.panamax.kvm.KvmHost;
import dev.panamax.kvm.KvmUnavailableException;
import dev.panamax.kvm.VcpuFd;
import dev.panamax.kvm.VmFd;
import dev.panamax.kvm.sys.kvm_h;
import dev.panamax.memory.GuestMemory;
import dev.panamax.memory.GuestRegion;
import dev.panamax.vcpu.Cpuid;
import dev.panamax.vcpu.StopReason;
import dev.panamax.vcpu.VcpuLoop;
import dev.panamax.vcpu.VcpuSetup;
import dev.panamax.vcpu.VcpuSnapshot;
import dev.panamax.vmm.boot.BootPlan;
import dev.panamax.vmm.boot.LinuxLoader;
import dev.panamax.vmm.boot.MemoryMap;
import dev.panamax.vmm.device.I8042;
import dev.panamax.vmm.device.Serial8250;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A running microVM: guest RAM, the in-kernel irqchip and PIT, the legacy devices, and one
 * platform thread per vCPU. {@link #start} boots the configured kernel; the VM runs until the
 * guest resets or powers off, a vCPU fails, or the host calls {@link #stop()}.
 */
public final class MicroVm implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MicroVm.class);
    /**
     * How long a raised serial interrupt may go unacknowledged before it is raised again: far
     * above the microseconds a delivered one takes, short enough that a lost one is a hiccup.
     */
    private static final Duration SERIAL_PATIENCE = Duration.ofMillis(100);
    /** Three pages KVM needs for real-mode emulation on Intel, placed in the MMIO gap. */
    private static final long TSS_ADDRESS = 0xfffb_d000L;
    /** How often console input is looked for: well under what a typist notices. */
    private static final Duration INPUT_POLL = Duration.ofMillis(10);

    private final Deque<AutoCloseable> resources;
    private final List<VcpuLoop> loops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final CompletableFuture<StopReason> stopped = new CompletableFuture<>();
    private final GuestMemory memory;

    private EventLoop eventLoop;
    private Serial8250 serial;
    /** Copies console input into the UART; interrupted and joined by {@link #stopAndJoin()}. */
    private Thread inputThread;

    private MicroVm(Deque<AutoCloseable> resources, GuestMemory memory) {
        this.resources = resources;
        this.memory = memory;
    }

    /** Builds the VM on this process's KVM device ({@link KvmHost#configuredDevice()}) and starts its vCPUs. */
    public static MicroVm start(VmConfig config, Console console) {
        return start(config, console, KvmHost.configuredDevice());
    }

    /**
     * Builds the VM on the KVM device at {@code kvmDevice} and starts its vCPUs.
     *
     * @throws dev.panamax.vmm.boot.BootException for a kernel, initrd or command line that cannot boot
     * @throws KvmUnavailableException when that device cannot boot Linux (missing, PVM, not openable)
     */
    public static MicroVm start(VmConfig config, Console console, Path kvmDevice) {
        Deque<AutoCloseable> resources = new ArrayDeque<>();
        try {
            // load first: a bad kernel or initrd is reported as such on any host
            VmConfig.Machine machine = config.machine();
            MemoryMap map = MemoryMap.ofMib(machine.memSizeMib());
            GuestMemory memory = own(resources, GuestMemory.anonymous(map.ranges()));
            VirtioDevices virtio = VirtioDevices.open(config, resources);
            VmConfig.BootSource boot = config.boot();
            BootPlan plan = LinuxLoader.load(memory, map, boot.kernelImage(), boot.initrd(),
                    boot.bootArgs() + virtio.kernelArgs(), machine.vcpuCount(), boot.protocol());
            KvmHost.probe(kvmDevice).requireLinuxBoot();
            Kvm kvm = own(resources, Kvm.open(kvmDevice.toString()));

            VmFd vm = own(resources, kvm.createVm());
            vm.setTssAddress(TSS_ADDRESS);
            vm.createIrqchip();
            vm.createPit2(kvm_h.KVM_PIT_SPEAKER_DUMMY);
            registerMemory(vm, memory);

            MicroVm microVm = new MicroVm(resources, memory);
            EventFd serialIrq = own(resources, EventFd.create());
            vm.registerIrqfd(serialIrq, Serial8250.COM1_IRQ);
            Serial8250 serial = new Serial8250(console.output(), serialIrq::signal);
            microVm.serial = serial;
            Buses buses = new Buses();
            buses.pio.register(Serial8250.COM1, Serial8250.LENGTH, serial);
            buses.pio.register(I8042.BASE, I8042.LENGTH,
                    new I8042(() -> microVm.stopWith(new StopReason.Reset("i8042 reset command"))));
            microVm.eventLoop = own(resources, new EventLoop());
            virtio.attach(vm, memory, buses.mmio, microVm.eventLoop, resources);
            microVm.eventLoop.start();

            List<CpuidEntry> supported = kvm.supportedCpuid();
            for (int i = 0; i < machine.vcpuCount(); i++) {
                VcpuFd vcpu = own(resources, vm.createVcpu(i));
                VcpuSetup.configure(vcpu, Cpuid.forVcpu(supported, i, machine.vcpuCount(), machine.cpuidFeatureMask()),
                        true);
                if (i == 0) {
                    VcpuSetup.enter(vcpu, plan.cpu()); // the others wait for the kernel's INIT/SIPI
                }
                microVm.loops.add(new VcpuLoop(vcpu, buses, microVm::stopWith));
            }
            console.input().ifPresent(in -> microVm.inputThread = microVm.startInput(in, serial));
            microVm.threads.add(microVm.startSerialWatchdog(serial));
            for (VcpuLoop loop : microVm.loops) {
                microVm.threads.add(loop.start());
            }
            return microVm;
        } catch (RuntimeException e) {
            closeAll(resources, e);
            throw e;
        }
    }

    /**
     * Gives the VM its RAM: region i becomes KVM memory slot i, in guest-physical order, writable
     * and without dirty logging. The memory must outlive the VM (it is owned first, so closed last).
     */
    private static void registerMemory(VmFd vm, GuestMemory memory) {
        List<GuestRegion> regions = memory.regions();
        for (int slot = 0; slot < regions.size(); slot++) {
            GuestRegion r = regions.get(slot);
            vm.setUserMemoryRegion(slot, 0, r.guestAddress(), r.size(), r.hostAddress());
        }
    }

    /**
     * Copies console input into the UART until the VM stops. It polls {@code available()} rather
     * than blocking in {@code read()}, so that {@link #close()} can stop and join it before the
     * UART's eventfd is closed (a blocked read cannot be interrupted).
     */
    private Thread startInput(InputStream in, Serial8250 serial) {
        return Thread.ofPlatform().name("serial-in").daemon().start(() -> {
            byte[] buffer = new byte[64];
            try {
                while (!stopped.isDone()) {
                    int ready = in.available();
                    if (ready <= 0) {
                        Thread.sleep(INPUT_POLL);
                        continue;
                    }
                    int n = in.read(buffer, 0, Math.min(ready, buffer.length));
                    if (n < 0) {
                        return;
                    }
                    serial.receive(buffer, 0, n);
                }
            } catch (IOException | InterruptedException e) {
                // console input ended, or the VM is closing; the guest keeps running without it
            }
        });
    }

    /** Re-raises serial interrupts the guest never acknowledged (see {@link Serial8250}), until the VM stops. */
    private Thread startSerialWatchdog(Serial8250 serial) {
        return Thread.ofPlatform().name("serial-watchdog").daemon().start(() -> {
            long patience = SERIAL_PATIENCE.toNanos();
            try {
                while (awaitStop(SERIAL_PATIENCE).isEmpty()) {
                    if (serial.reraiseIfUnacknowledged(System.nanoTime(), patience)) {
                        LOG.debug("serial interrupt raised again: the guest had not acknowledged it for {} ms",
                                SERIAL_PATIENCE.toMillis());
                    }
                }
            } catch (InterruptedException e) {
                // nobody interrupts it; ending is all it could do
            }
        });
    }

    private static <T extends AutoCloseable> T own(Deque<AutoCloseable> resources, T resource) {
        resources.push(resource);
        return resource;
    }

    private void stopWith(StopReason reason) {
        if (stopped.complete(reason)) {
            loops.forEach(VcpuLoop::requestStop);
        }
    }

    /** How many serial interrupts had to be raised again because the guest never saw them (0 normally). */
    public long serialInterruptsReraised() {
        return serial.reraisedInterrupts();
    }

    /**
     * Stops the VM and says where each vCPU was: for diagnosing a guest that hangs. The VM
     * can only be closed afterwards.
     */
    public List<VcpuSnapshot> stopAndSnapshot() throws InterruptedException {
        stopAndJoin();
        return loops.stream().map(VcpuLoop::snapshot).toList();
    }

    private void stopAndJoin() throws InterruptedException {
        stop();
        if (inputThread != null) {
            inputThread.interrupt(); // it may be waiting for room in the UART's FIFO
            inputThread.join();
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    /** Guest RAM, for embedders and tests that inspect it. */
    public GuestMemory memory() {
        return memory;
    }

    /** Asks the VM to stop; returns at once. */
    public void stop() {
        stopWith(new StopReason.Stopped());
    }

    /** Waits until the VM stops and says why. */
    public StopReason awaitStop() throws InterruptedException {
        try {
            return stopped.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Waits up to {@code timeout} for the VM to stop. */
    public Optional<StopReason> awaitStop(Duration timeout) throws InterruptedException {
        try {
            return Optional.of(stopped.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Stops the VM if it still runs, waits for its threads, and frees everything it holds; again is harmless. */
    @Override
    public void close() throws InterruptedException {
        stopAndJoin();
        eventLoop.close(); // before the eventfds and devices it serves
        closeAll(resources, null);
    }

    private static void closeAll(Deque<AutoCloseable> resources, RuntimeException primary) {
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                }
            }
        }
    }
}
