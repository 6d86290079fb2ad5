package dev.panamax.vmm;

import dev.panamax.device.MetricsGroup;
import dev.panamax.kvm.CpuClock;
import dev.panamax.kvm.CpuidEntry;
import dev.panamax.kvm.EventFd;
import dev.panamax.kvm.Kvm;
import dev.panamax.kvm.KvmHost;
import dev.panamax.kvm.KvmUnavailableException;
import dev.panamax.kvm.Seccomp;
import dev.panamax.kvm.VcpuFd;
import dev.panamax.kvm.VmFd;
import dev.panamax.kvm.sys.kvm_h;
import dev.panamax.kvm.sys.kvm_irqchip;
import dev.panamax.kvm.sys.kvm_pit_state2;
import dev.panamax.kvm.sys.kvm_xsave;
import dev.panamax.memory.GuestMemory;
import dev.panamax.memory.GuestRegion;
import dev.panamax.memory.MemoryImage;
import dev.panamax.vcpu.Cpuid;
import dev.panamax.vcpu.PauseGate;
import dev.panamax.vcpu.StopReason;
import dev.panamax.vcpu.VcpuLoop;
import dev.panamax.vcpu.VcpuSetup;
import dev.panamax.vcpu.VcpuSnapshot;
import dev.panamax.vcpu.VcpuState;
import dev.panamax.vmm.boot.BootPlan;
import dev.panamax.vmm.boot.LinuxLoader;
import dev.panamax.vmm.boot.MemoryMap;
import dev.panamax.vmm.device.BootTime;
import dev.panamax.vmm.device.BootTimer;
import dev.panamax.vmm.device.I8042;
import dev.panamax.vmm.device.Serial8250;
import dev.panamax.vmm.jfr.VcpuExitSampler;
import dev.panamax.vmm.jfr.VmEvents;
import dev.panamax.vmm.snapshot.SnapshotFile;
import dev.panamax.vmm.snapshot.SnapshotFormatException;
import dev.panamax.vmm.snapshot.SnapshotState;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A running microVM: guest RAM, the in-kernel irqchip and PIT, the legacy devices, and one
 * platform thread per vCPU. {@link #start} boots the configured kernel; the VM runs until the
 * guest resets or powers off, a vCPU fails, or the host calls {@link #stop()}.
 *
 * <p>{@link #pause()} and {@link #resume()} stop and continue the guest ({@link #state()} says
 * which); {@link #sendCtrlAltDel()} presses that chord on its keyboard. While paused, nothing
 * touches guest memory: the vCPUs are parked outside KVM_RUN and the virtio event loop runs no
 * queue handlers. The console input and interrupt watchdog threads keep running, and that loses
 * nothing: input fills the UART's FIFO and then waits for room, an interrupt raised meanwhile
 * stays pending in the in-kernel irqchip until the vCPUs run again, and the watchdog's patience
 * is measured in running time ({@link RunningClock}), so it does not count the pause against
 * the guest.
 *
 * <p>Snapshots: a paused VM is saved with {@link #snapshot(Path, Path)} (two files) or
 * {@link #snapshot()} (kept in this process), and {@link #restore} makes a VM that goes on where
 * it was paused, as often as wanted from one snapshot (see {@link Snapshot}).
 *
 * <p>Observability: {@link #metrics()} counts exits and device work; with
 * {@link VmConfig#bootTimer()} the guest's boot time is logged and kept ({@link #bootTime()});
 * and while a JDK Flight Recorder recording runs, the VM writes its {@code dev.panamax.*}
 * events (see {@link dev.panamax.vmm.jfr}).
 */
public final class MicroVm implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MicroVm.class);
    /**
     * How long a raised serial or keyboard interrupt may go unacknowledged before it is raised
     * again: far above the microseconds a delivered one takes, short enough that a lost one is a
     * hiccup.
     */
    private static final Duration INTERRUPT_PATIENCE = Duration.ofMillis(100);
    /** Three pages KVM needs for real-mode emulation on Intel, placed in the MMIO gap. */
    private static final long TSS_ADDRESS = 0xfffb_d000L;
    /** How often console input is looked for: well under what a typist notices. */
    private static final Duration INPUT_POLL = Duration.ofMillis(10);
    /**
     * Test-only: when this system property is true at {@link #start}, the boot timer's device
     * code calls execve (of /bin/true) when the guest signals its boot, as a device taken over by
     * a guest might, to prove that the seccomp filter kills the VMM for it.
     */
    public static final String EXECVE_ON_BOOT_PROPERTY = "panamax.test.execveOnBootTimer";

    private final Deque<AutoCloseable> resources;
    private final List<VcpuLoop> loops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final CompletableFuture<StopReason> stopped = new CompletableFuture<>();
    private final GuestMemory memory;
    private final VmFd vm;
    private final PauseGate gate;
    private final RunningClock runningClock = new RunningClock();
    /** System.nanoTime() when {@link #start} began: boot time and uptime count from here. */
    private final long startNanos;
    /** Set by the boot timer's vCPU thread when the guest signals it. */
    private volatile BootTime bootTime;
    /** Serialises {@link #pause()} and {@link #resume()}; stopping never takes it. */
    private final ReentrantLock lifecycle = new ReentrantLock();
    private volatile boolean paused;
    /** The guest's kvmclock when it was paused, so that it goes on from there; guarded by lifecycle. */
    private long clockAtPause;

    private final List<VcpuFd> vcpus = new ArrayList<>();
    private Kvm kvm;
    private VmConfig config;
    /** False for a VM restored paused, until its first {@link #resume()}; guarded by lifecycle. */
    private boolean vcpusStarted;
    private EventLoop eventLoop;
    private Serial8250 serial;
    private VirtioDevices virtio;
    private I8042 keyboard;
    /**
     * Whether a snapshot was taken (or the VM restored from one), so that a Diff has a base;
     * guarded by lifecycle.
     */
    private boolean hasSnapshotBase;
    /** Copies console input into the UART; interrupted and joined by {@link #stopAndJoin()}. */
    private Thread inputThread;

    private MicroVm(Deque<AutoCloseable> resources, GuestMemory memory, VmFd vm, int vcpus, long startNanos) {
        this.startNanos = startNanos;
        this.resources = resources;
        this.memory = memory;
        this.vm = vm;
        this.gate = new PauseGate(vcpus);
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
        return start(config, console, kvmDevice, () -> {});
    }

    /**
     * Builds the VM on the KVM device at {@code kvmDevice}, runs {@code beforeGuestRuns} on this
     * thread once everything is built and opened but before any vCPU runs (the launcher installs
     * its seccomp filter there), then starts the vCPUs.
     *
     * @throws dev.panamax.vmm.boot.BootException for a kernel, initrd or command line that cannot boot
     * @throws KvmUnavailableException when that device cannot boot Linux (missing, PVM, not openable)
     */
    public static MicroVm start(VmConfig config, Console console, Path kvmDevice, Runnable beforeGuestRuns) {
        return build(config, console, kvmDevice, null, true, beforeGuestRuns);
    }

    /**
     * Builds a VM from {@code snapshot} on this process's KVM device: the guest goes on where it
     * was paused, with RAM mapped copy-on-write from the snapshot's image (pages load as the
     * guest touches them). {@code config} names the backing files and host devices: the
     * snapshot's own ({@link Snapshot#config()}) or one that differs only in those (drive
     * images, TAP names, the vsock socket) and the name; anything the guest would notice
     * differing (machine, devices, modes, MACs, CIDs) is refused. Each restore from one
     * Snapshot is a guest of its own. vsock connections do not survive: the guest is told its
     * transport was reset, as Firecracker does.
     *
     * @param resume whether the guest runs at once; if not the VM stays {@link VmState#PAUSED}
     *     (vCPUs not started) until {@link #resume()}
     * @throws IllegalArgumentException one line naming what in {@code config} differs from the snapshot
     * @throws DeviceException          naming a device whose backing cannot be opened or does not fit
     */
    public static MicroVm restore(Snapshot snapshot, VmConfig config, Console console, boolean resume) {
        return restore(snapshot, config, console, resume, KvmHost.configuredDevice());
    }

    /** {@link #restore(Snapshot, VmConfig, Console, boolean)} on the KVM device at {@code kvmDevice}. */
    public static MicroVm restore(Snapshot snapshot, VmConfig config, Console console, boolean resume,
            Path kvmDevice) {
        return restore(snapshot, config, console, resume, kvmDevice, () -> {});
    }

    /**
     * {@link #restore(Snapshot, VmConfig, Console, boolean, Path)}, running {@code beforeGuestRuns}
     * once the VM is rebuilt and before any vCPU runs (as {@link #start(VmConfig, Console, Path, Runnable)}).
     */
    public static MicroVm restore(Snapshot snapshot, VmConfig config, Console console, boolean resume,
            Path kvmDevice, Runnable beforeGuestRuns) {
        SnapshotCompatibility.require(snapshot.config(), config);
        return build(config, console, kvmDevice, snapshot, resume, beforeGuestRuns);
    }

    /** {@link #restore(Snapshot, VmConfig, Console, boolean)} with the snapshot's own config. */
    public static MicroVm restore(Snapshot snapshot, Console console, boolean resume) {
        return restore(snapshot, snapshot.config(), console, resume);
    }

    /**
     * Restores the snapshot in {@code stateFile} and {@code memoryFile} ({@link MicroVm#snapshot(Path, Path)}
     * wrote them, in this process or another); both files are checked before anything is made.
     *
     * @throws dev.panamax.vmm.snapshot.SnapshotFormatException one line naming the file and what is wrong
     */
    public static MicroVm restore(Path stateFile, Path memoryFile, Console console, boolean resume)
            throws IOException, SnapshotFormatException {
        try (Snapshot snapshot = Snapshot.load(stateFile, memoryFile)) {
            return restore(snapshot, console, resume); // the guest's mappings outlive the image's descriptor
        }
    }

    private static MicroVm build(VmConfig config, Console console, Path kvmDevice, Snapshot from, boolean resume,
            Runnable beforeGuestRuns) {
        long startNanos = System.nanoTime();
        long startCpuNanos = config.bootTimer() ? CpuClock.processNanos() : 0;
        Deque<AutoCloseable> resources = new ArrayDeque<>();
        try {
            // load first: a bad kernel or initrd is reported as such on any host
            VmConfig.Machine machine = config.machine();
            MemoryMap map = MemoryMap.ofMib(machine.memSizeMib());
            boolean track = machine.trackDirtyPages();
            GuestMemory memory = own(resources, from == null ? GuestMemory.anonymous(map.ranges(), track)
                    : GuestMemory.privateCopy(map.ranges(), from.memory(), track));
            VirtioDevices virtio = VirtioDevices.open(config, resources);
            VmConfig.BootSource boot = config.boot();
            BootPlan plan = from != null ? null : LinuxLoader.load(memory, map, boot.kernelImage(), boot.initrd(),
                    boot.bootArgs() + virtio.kernelArgs(), machine.vcpuCount(), boot.protocol());
            KvmHost.probe(kvmDevice).requireLinuxBoot();
            Kvm kvm = own(resources, Kvm.open(kvmDevice.toString()));

            VmFd vm = own(resources, kvm.createVm());
            vm.setTssAddress(TSS_ADDRESS);
            vm.createIrqchip();
            vm.createPit2(kvm_h.KVM_PIT_SPEAKER_DUMMY);
            registerMemory(vm, memory);

            MicroVm microVm = new MicroVm(resources, memory, vm, machine.vcpuCount(), startNanos);
            microVm.kvm = kvm;
            microVm.config = config;
            microVm.virtio = virtio;
            microVm.hasSnapshotBase = from != null; // a diff's base is then the restored memory file
            EventFd serialIrq = own(resources, EventFd.create());
            vm.registerIrqfd(serialIrq, Serial8250.COM1_IRQ);
            Serial8250 serial = new Serial8250(console.output(), serialIrq::signal);
            microVm.serial = serial;
            EventFd keyboardIrq = own(resources, EventFd.create());
            vm.registerIrqfd(keyboardIrq, I8042.KEYBOARD_IRQ);
            microVm.keyboard = new I8042(() -> microVm.stopWith(new StopReason.Reset("i8042 reset command")),
                    keyboardIrq::signal);
            Buses buses = new Buses();
            buses.pio.register(Serial8250.COM1, Serial8250.LENGTH, serial);
            buses.pio.register(I8042.BASE, I8042.LENGTH, microVm.keyboard);
            if (config.bootTimer()) {
                buses.mmio.register(MemoryMap.BOOT_TIMER_START, MemoryMap.BOOT_TIMER_SIZE,
                        new BootTimer(System::nanoTime, CpuClock::processNanos, startNanos, startCpuNanos,
                                Boolean.getBoolean(EXECVE_ON_BOOT_PROPERTY)
                                        ? booted -> Seccomp.execveForTests("/bin/true") : microVm::guestBooted));
            }
            microVm.eventLoop = own(resources, new EventLoop());
            virtio.attach(vm, memory, buses.mmio, microVm.eventLoop, resources);

            List<CpuidEntry> supported = kvm.supportedCpuid();
            boolean kvmclockCtrl = kvm.checkExtension(kvm_h.KVM_CAP_KVMCLOCK_CTRL) > 0;
            boolean tscControl = kvm.checkExtension(kvm_h.KVM_CAP_TSC_CONTROL) > 0;
            boolean tscDeadline = kvm.checkExtension(kvm_h.KVM_CAP_TSC_DEADLINE_TIMER) > 0;
            for (int i = 0; i < machine.vcpuCount(); i++) {
                VcpuFd vcpu = own(resources, vm.createVcpu(i));
                microVm.vcpus.add(vcpu);
                if (from != null) {
                    List<Integer> refused = from.state().vcpus().get(i).restore(vcpu, tscControl);
                    if (!refused.isEmpty()) {
                        LOG.warn("vCPU {}: KVM would not take back MSRs {} of the snapshot; the guest goes on without them",
                                i, refused.stream().map(m -> "0x" + Integer.toHexString(m)).toList());
                    }
                } else {
                    VcpuSetup.configure(vcpu, Cpuid.forVcpu(supported, i, machine.vcpuCount(),
                            machine.cpuidFeatureMask(), tscDeadline), true);
                    if (i == 0) {
                        VcpuSetup.enter(vcpu, plan.cpu()); // the others wait for the kernel's INIT/SIPI
                    }
                }
                microVm.loops.add(new VcpuLoop(vcpu, buses, microVm::stopWith, microVm.gate, kvmclockCtrl));
            }
            if (from != null) {
                microVm.restoreVmAndDevices(from.state());
            }
            microVm.eventLoop.start(config.threadName("event-loop"));
            console.input().ifPresent(in -> microVm.inputThread = microVm.startInput(in, serial,
                    config.threadName("serial-in")));
            microVm.threads.add(microVm.startInterruptWatchdog(config.threadName("irq-watchdog")));
            own(resources, new VcpuExitSampler(microVm::vcpuMetrics)).register(); // closed with the VM
            beforeGuestRuns.run();
            if (resume) {
                microVm.startVcpus();
            } else {
                microVm.startPaused();
            }
            VmEvents.started(machine.vcpuCount(), map.ramSize(), boot.kernelImage().toString(), config.bootTimer(),
                    System.nanoTime() - startNanos);
            return microVm;
        } catch (RuntimeException | InterruptedException e) {
            RuntimeException failure = e instanceof RuntimeException r ? r
                    : new IllegalStateException("interrupted while starting the VM", e);
            closeAll(resources, failure);
            throw failure;
        }
    }

    private void startVcpus() {
        for (VcpuLoop loop : loops) {
            threads.add(loop.start(config::threadName));
        }
        vcpusStarted = true;
    }

    /** A restored VM that waits for {@link #resume()}: its vCPU threads start then. */
    private void startPaused() throws InterruptedException {
        eventLoop.pause();
        runningClock.pause();
        paused = true;
    }

    /**
     * Loads the VM-wide and device state of a snapshot, after the vCPUs' (the irqchips' pins
     * before the devices that may raise them) and before anything runs.
     */
    private void restoreVmAndDevices(SnapshotState state) {
        SnapshotState.Vm saved = state.vm();
        try (Arena a = Arena.ofConfined()) {
            vm.setPit2(copy(a, saved.pit(), kvm_pit_state2.LAYOUT.byteSize(), "PIT"));
            vm.setIrqchip(copy(a, saved.picMaster(), kvm_irqchip.LAYOUT.byteSize(), "PIC master"));
            vm.setIrqchip(copy(a, saved.picSlave(), kvm_irqchip.LAYOUT.byteSize(), "PIC slave"));
            vm.setIrqchip(copy(a, saved.ioapic(), kvm_irqchip.LAYOUT.byteSize(), "IOAPIC"));
        }
        vm.setClock(saved.clock());
        clockAtPause = saved.clock();
        serial.restoreState(state.serial());
        keyboard.restoreState(state.keyboard());
        virtio.restoreStates(state.virtio());
    }

    private static MemorySegment copy(Arena a, byte[] bytes, long size, String what) {
        if (bytes.length != size) {
            throw new IllegalArgumentException("snapshot: the " + what + " state has " + bytes.length
                    + " bytes, this host's struct " + size);
        }
        MemorySegment s = a.allocate(size, 8);
        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return s;
    }

    private static byte[] read(Arena a, long size, java.util.function.Consumer<MemorySegment> getter) {
        MemorySegment s = a.allocate(size, 8);
        getter.accept(s);
        return s.toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * Gives the VM its RAM: region i becomes KVM memory slot i, in guest-physical order, writable,
     * with KVM's dirty log when the memory tracks dirty pages. The memory must outlive the VM (it
     * is owned first, so closed last).
     */
    private static void registerMemory(VmFd vm, GuestMemory memory) {
        List<GuestRegion> regions = memory.regions();
        int flags = memory.tracksDirtyPages() ? kvm_h.KVM_MEM_LOG_DIRTY_PAGES : 0;
        for (int slot = 0; slot < regions.size(); slot++) {
            GuestRegion r = regions.get(slot);
            vm.setUserMemoryRegion(slot, flags, r.guestAddress(), r.size(), r.hostAddress());
        }
    }

    /**
     * Copies console input into the UART until the VM stops. It polls {@code available()} rather
     * than blocking in {@code read()}, so that {@link #close()} can stop and join it before the
     * UART's eventfd is closed (a blocked read cannot be interrupted).
     */
    private Thread startInput(InputStream in, Serial8250 serial, String name) {
        return Thread.ofPlatform().name(name).daemon().start(() -> {
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

    /**
     * Re-raises serial, keyboard and virtio interrupts the guest never acknowledged (see {@link
     * Serial8250}), until the VM stops; patience counts running time only.
     */
    private Thread startInterruptWatchdog(String name) {
        return Thread.ofPlatform().name(name).daemon().start(() -> {
            long patience = INTERRUPT_PATIENCE.toNanos();
            try {
                while (awaitStop(INTERRUPT_PATIENCE).isEmpty()) {
                    long now = runningClock.nanos();
                    if (serial.reraiseIfUnacknowledged(now, patience)) {
                        LOG.debug("serial interrupt raised again: the guest had not acknowledged it for {} ms",
                                INTERRUPT_PATIENCE.toMillis());
                    }
                    if (keyboard.reraiseIfUnacknowledged(now, patience)) {
                        LOG.debug("keyboard interrupt raised again: the guest had not read the i8042 for {} ms",
                                INTERRUPT_PATIENCE.toMillis());
                    }
                    int devices = virtio.reraiseUnacknowledged(now, patience);
                    if (devices > 0) {
                        LOG.debug("{} virtio interrupt(s) raised again: unacknowledged for {} ms", devices,
                                INTERRUPT_PATIENCE.toMillis());
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

    private void guestBooted(BootTime t) {
        bootTime = t;
        VmEvents.guestBootTime(t);
    }

    private void stopWith(StopReason reason) {
        if (stopped.complete(reason)) {
            VmEvents.stopped(reason, System.nanoTime() - startNanos);
            gate.release(); // first: from now on no vCPU clears the kick that stops it
            loops.forEach(VcpuLoop::requestStop);
        }
    }

    /** Where the VM is: running, paused, or stopped for good. */
    public VmState state() {
        if (stopped.isDone()) {
            return VmState.STOPPED;
        }
        return paused ? VmState.PAUSED : VmState.RUNNING;
    }

    /**
     * Pauses the guest; when this returns every vCPU is parked outside KVM_RUN and the virtio
     * event loop runs no queue handlers (queue notifications wait for {@link #resume()}). Each
     * vCPU tells its guest's kvmclock it was stopped by the host ({@code KVM_KVMCLOCK_CTRL}, where
     * the host has it), so the guest's lockup detectors do not count the pause, and the guest's
     * kvmclock is read here to be set back on resume, so the guest's clock does not jump over the
     * pause. Harmless when already paused; thread-safe.
     *
     * @throws IllegalStateException once the VM has stopped, also when it stops while pausing
     * @throws InterruptedException when interrupted while waiting for the vCPUs; the guest runs on
     */
    public void pause() throws InterruptedException {
        long begin = System.nanoTime();
        lifecycle.lockInterruptibly();
        try {
            requireNotStopped("pause");
            if (paused) {
                return;
            }
            if (!gate.pause(this::kickVcpus)) {
                throw new IllegalStateException("cannot pause: the VM stopped (" + describeStop() + ")");
            }
            try {
                eventLoop.pause();
                clockAtPause = vm.clock();
            } catch (InterruptedException | RuntimeException e) {
                eventLoop.resume();
                gate.resume();
                throw e;
            }
            runningClock.pause();
            paused = true;
            VmEvents.paused(System.nanoTime() - begin);
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Lets a paused guest go on where it stopped, its kvmclock set back to the time it was paused
     * at. Harmless when it runs; thread-safe.
     *
     * @throws IllegalStateException once the VM has stopped
     */
    public void resume() {
        long begin = System.nanoTime();
        lifecycle.lock();
        try {
            requireNotStopped("resume");
            if (!paused) {
                return;
            }
            vm.setClock(clockAtPause);
            paused = false;
            runningClock.resume();
            eventLoop.resume();
            if (vcpusStarted) {
                gate.resume();
            } else {
                startVcpus();
            }
            VmEvents.resumed(System.nanoTime() - begin);
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Writes a snapshot of this paused VM: the state file {@code stateFile} (vCPUs, VM, devices,
     * the config; see {@link SnapshotFile}) and the memory file {@code memoryFile} (guest RAM).
     * Either {@link #restore(Path, Path, Console, boolean)} makes a VM of them again, in this
     * process or another. The VM stays paused.
     *
     * @throws IllegalStateException when the VM is not paused
     */
    public void snapshot(Path stateFile, Path memoryFile) throws IOException {
        snapshot(stateFile, memoryFile, SnapshotType.FULL);
    }

    /**
     * {@link #snapshot(Path, Path)} of either type: {@link SnapshotType#DIFF} writes only the
     * pages changed since this VM's previous snapshot (or its restore), in a sparse memory file,
     * and needs {@link VmConfig.Machine#trackDirtyPages()}. Either clears the record of changed
     * pages, so the next Diff is relative to this snapshot.
     *
     * @throws IllegalStateException when the VM is not paused, or for a Diff without tracking or
     *     without an earlier snapshot
     */
    public void snapshot(Path stateFile, Path memoryFile, SnapshotType type) throws IOException {
        lifecycle.lock();
        try {
            if (type == SnapshotType.DIFF) {
                if (!memory.tracksDirtyPages()) {
                    throw new IllegalStateException("cannot take a Diff snapshot: dirty pages are not tracked"
                            + " (machine-config track_dirty_pages, or track_dirty_pages of snapshot/load)");
                }
                if (!hasSnapshotBase) {
                    throw new IllegalStateException("cannot take a Diff snapshot: this VM has no earlier snapshot"
                            + " to be a diff of (take a Full one first)");
                }
            }
            SnapshotState state = captureState();
            hasSnapshotBase = false; // until this one is written: a failed one leaves no base
            try (Arena a = Arena.ofConfined()) {
                List<MemorySegment> dirty = takeDirtyPages(a);
                Snapshot.write(state, stateFile, memoryFile, memory.size(), type == SnapshotType.DIFF
                        ? out -> memory.writePagesTo(out, dirty) : memory::writeTo);
            }
            hasSnapshotBase = true;
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * The pages written since the last call, per region in KVM's dirty-log layout: KVM's log
     * (the guest's writes) OR the memory's own (the devices'); both are cleared. Empty when dirty
     * pages are not tracked. Under lifecycle, the VM paused.
     */
    private List<MemorySegment> takeDirtyPages(Arena arena) {
        if (!memory.tracksDirtyPages()) {
            return List.of();
        }
        List<MemorySegment> bitmaps = new ArrayList<>();
        List<GuestRegion> regions = memory.regions();
        for (int slot = 0; slot < regions.size(); slot++) {
            MemorySegment bitmap = arena.allocate(GuestMemory.dirtyBitmapBytes(regions.get(slot).size()), 8);
            vm.getDirtyLog(slot, bitmap);
            memory.drainDirtyPages(slot, bitmap);
            bitmaps.add(bitmap);
        }
        return bitmaps;
    }

    /**
     * A snapshot of this paused VM kept in this process: its state and a copy of its RAM (in an
     * anonymous in-memory file), from which {@link #restore(Snapshot, Console, boolean)} makes any
     * number of fresh guests. The VM stays paused; close the snapshot when done with it.
     *
     * @throws IllegalStateException when the VM is not paused
     */
    public Snapshot snapshot() {
        lifecycle.lock();
        try {
            Snapshot snapshot = new Snapshot(captureState(), MemoryImage.copyOf(memory));
            try (Arena a = Arena.ofConfined()) {
                takeDirtyPages(a); // cleared: a later Diff is relative to this image
            }
            hasSnapshotBase = true;
            return snapshot;
        } finally {
            lifecycle.unlock();
        }
    }

    /** Reads every piece of state a restore needs; under lifecycle, the VM paused. */
    private SnapshotState captureState() {
        requireNotStopped("snapshot");
        if (!paused) {
            throw new IllegalStateException("cannot snapshot: the VM is running; pause it first");
        }
        List<Integer> msrs = kvm.msrIndexList();
        int xsaveSize = Math.max(vm.checkExtension(kvm_h.KVM_CAP_XSAVE2), (int) kvm_xsave.LAYOUT.byteSize());
        boolean tscKhz = kvm.checkExtension(kvm_h.KVM_CAP_GET_TSC_KHZ) > 0;
        List<VcpuState> vcpuStates = vcpus.stream().map(v -> VcpuState.save(v, msrs, xsaveSize, tscKhz)).toList();
        SnapshotState.Vm vmState;
        try (Arena a = Arena.ofConfined()) {
            long chip = kvm_irqchip.LAYOUT.byteSize();
            vmState = new SnapshotState.Vm(clockAtPause,
                    read(a, chip, s -> vm.getIrqchip(kvm_h.KVM_IRQCHIP_PIC_MASTER, s)),
                    read(a, chip, s -> vm.getIrqchip(kvm_h.KVM_IRQCHIP_PIC_SLAVE, s)),
                    read(a, chip, s -> vm.getIrqchip(kvm_h.KVM_IRQCHIP_IOAPIC, s)),
                    read(a, kvm_pit_state2.LAYOUT.byteSize(), vm::getPit2));
        }
        return new SnapshotState(config, vcpuStates, vmState, serial.saveState(), keyboard.saveState(),
                virtio.saveStates());
    }

    /**
     * Presses Ctrl+Alt+Del on the guest's keyboard (i8042, IRQ 1) and releases it. A Linux guest
     * with the keyboard driver and a VT reboots on it, which with {@code reboot=k} ends the VM
     * with a {@link StopReason.Reset}. A paused guest gets the keys when it resumes.
     *
     * @throws IllegalStateException once the VM has stopped, or when the guest has left so many
     *     keys unread that the i8042's buffer has no room for these
     */
    public void sendCtrlAltDel() {
        requireNotStopped("send Ctrl+Alt+Del");
        if (!keyboard.pressCtrlAltDel()) {
            throw new IllegalStateException("cannot send Ctrl+Alt+Del: the guest is not reading its keyboard"
                    + " (the i8042's buffer is full)");
        }
    }

    private void kickVcpus() {
        for (VcpuLoop loop : loops) {
            loop.kick();
        }
    }

    private void requireNotStopped(String action) {
        if (stopped.isDone()) {
            throw new IllegalStateException("cannot " + action + ": the VM stopped (" + describeStop() + ")");
        }
    }

    private String describeStop() {
        StopReason reason = stopped.getNow(null);
        return reason == null ? "stopping" : reason.describe();
    }

    /**
     * Serves drive {@code driveId} from {@code image} from now on (Firecracker's
     * {@code PATCH /drives}): same mode, new contents and size, which the guest learns from a
     * configuration-change interrupt (Linux resizes the disk). A bad image changes nothing.
     *
     * @throws DeviceException naming the drive and the problem
     * @throws IllegalStateException when the VM has stopped
     */
    public void replaceDriveImage(String driveId, Path image) {
        requireNotStopped("change drive " + driveId);
        virtio.replaceDriveImage(driveId, image);
    }

    /**
     * The VM's counters in Firecracker's metrics groups, cumulative since start: one {@code vcpu}
     * group per vCPU, {@code uart}, {@code i8042} (port accesses per register), {@code vmm} ({@code device_events}: event-loop handler runs),
     * and each device's ({@code block_<drive_id>}, {@code net_<iface_id>}, {@code vsock},
     * {@code entropy}). Counting costs the exit path a plain increment; reading is for a
     * metrics flush.
     */
    public List<MetricsGroup> metrics() {
        List<MetricsGroup> groups = new ArrayList<>(vcpuMetrics());
        groups.add(serial.metrics());
        groups.add(keyboard.metrics());
        groups.add(new MetricsGroup("vmm", "vmm", Map.of("device_events", eventLoop.deviceEvents())));
        groups.addAll(virtio.metrics());
        return groups;
    }

    private List<MetricsGroup> vcpuMetrics() {
        return loops.stream().map(loop -> loop.exitCounters().metrics()).toList();
    }

    /**
     * The guest's boot time by the boot-timer device ({@link VmConfig#bootTimer()}): wall-clock
     * time from the start of {@link #start} to the guest's signal (its last one, should it signal
     * again). Empty without the device, or until the guest signals.
     */
    public Optional<Duration> bootTime() {
        return Optional.ofNullable(bootTime).map(BootTime::wall);
    }

    /** How many serial interrupts had to be raised again because the guest never saw them (0 normally). */
    public long serialInterruptsReraised() {
        return serial.reraisedInterrupts();
    }

    /**
     * The event loop and every virtio device as they stand, for a report when the guest and
     * Panamax seem to wait on each other (an exec that never answers): the queues' indexes on both
     * sides, interrupt state, and each device's own (vsock: its streams). Safe while running.
     */
    public String describeDevices() {
        return eventLoop.describe() + "\n" + virtio.describe();
    }

    /** How many virtio device interrupts had to be raised again because the guest never acknowledged them (0 normally). */
    public long virtioInterruptsReraised() {
        return virtio.reraisedInterrupts();
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
