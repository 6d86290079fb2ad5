package dev.panamax.kvm;

import dev.panamax.kvm.sys.Errno;
import dev.panamax.kvm.sys.Libc;
import dev.panamax.kvm.sys.Syscall;
import dev.panamax.kvm.sys.SyscallException;
import dev.panamax.kvm.sys.kvm_debugregs;
import dev.panamax.kvm.sys.kvm_fpu;
import dev.panamax.kvm.sys.kvm_h;
import dev.panamax.kvm.sys.kvm_lapic_state;
import dev.panamax.kvm.sys.kvm_mp_state;
import dev.panamax.kvm.sys.kvm_msr_entry;
import dev.panamax.kvm.sys.kvm_msrs;
import dev.panamax.kvm.sys.kvm_regs;
import dev.panamax.kvm.sys.kvm_run;
import dev.panamax.kvm.sys.kvm_sregs;
import dev.panamax.kvm.sys.kvm_vcpu_events;
import dev.panamax.kvm.sys.kvm_xcrs;
import dev.panamax.kvm.sys.kvm_xsave;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A vCPU: register state and the {@code KVM_RUN} loop's one call, {@link #run()}.
 *
 * <p>{@code run()} is meant for a single thread (the vCPU's own) and does not allocate. Any
 * thread may call {@link #setImmediateExit(boolean)} to make the next or current entry return.
 * The register getters and setters take structs laid out as in {@link dev.panamax.kvm.sys}.
 */
public final class VcpuFd extends FileDescriptor {
    private final int id;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment run;
    private final MemorySegment runState;
    private final VmExit.Io io;
    private final VmExit.Mmio mmio;
    private final Object threadLock = new Object();
    private long runningThread; // pthread_t of the thread bound to run(), 0 when none

    VcpuFd(int fd, int id, int mmapSize) {
        super(fd);
        this.id = id;
        this.runState = Libc.allocateCaptureState(arena);
        long address = Syscall.check("mmap(kvm_run)",
                Libc.mmap(runState, 0, mmapSize, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd, 0), runState);
        this.run = MemorySegment.ofAddress(address).reinterpret(mmapSize, arena, VcpuFd::unmap);
        this.io = new VmExit.Io(run);
        this.mmio = new VmExit.Mmio(run);
    }

    private static void unmap(MemorySegment mapping) {
        try (Arena a = Arena.ofConfined()) {
            Libc.munmap(Libc.allocateCaptureState(a), mapping.address(), mapping.byteSize());
        }
    }

    /** The id given at creation, which is also the vCPU's initial APIC ID. */
    public int id() {
        return id;
    }

    /** The shared {@code kvm_run} area, for callers that need a field the exits do not expose. */
    public MemorySegment runArea() {
        return run;
    }

    /**
     * Enters the guest until the next exit KVM leaves to userspace. Returns the exit; an
     * interruption by a signal or {@code immediate_exit} is {@link VmExit#INTERRUPTED}.
     */
    public VmExit run() {
        int rc = Libc.ioctl(runState, fd(), kvm_h.KVM_RUN, 0L);
        if (rc < 0) {
            int errno = Libc.errno(runState);
            if (errno == Errno.EINTR.code() || errno == Errno.EAGAIN.code()) {
                return VmExit.INTERRUPTED;
            }
            throw new SyscallException("ioctl(KVM_RUN)", errno);
        }
        int reason = kvm_run.exit_reason(run);
        return switch (reason) {
            case kvm_h.KVM_EXIT_IO -> io;
            case kvm_h.KVM_EXIT_MMIO -> mmio;
            case kvm_h.KVM_EXIT_HLT -> VmExit.HLT;
            case kvm_h.KVM_EXIT_SHUTDOWN -> VmExit.SHUTDOWN;
            case kvm_h.KVM_EXIT_INTR -> VmExit.INTERRUPTED;
            case kvm_h.KVM_EXIT_IRQ_WINDOW_OPEN -> VmExit.IRQ_WINDOW_OPEN;
            case kvm_h.KVM_EXIT_FAIL_ENTRY -> {
                MemorySegment f = kvm_run.fail_entry(run);
                yield new VmExit.FailEntry(kvm_run.fail_entry.hardware_entry_failure_reason(f),
                        kvm_run.fail_entry.cpu(f));
            }
            case kvm_h.KVM_EXIT_INTERNAL_ERROR -> internalError();
            case kvm_h.KVM_EXIT_SYSTEM_EVENT -> new VmExit.SystemEvent(kvm_run.system_event.type(kvm_run.system_event(run)));
            default -> new VmExit.Unknown(reason, kvm_run.hw.hardware_exit_reason(kvm_run.hw(run)));
        };
    }

    private VmExit internalError() {
        MemorySegment e = kvm_run.internal(run);
        int n = Math.min(kvm_run.internal.ndata(e), 16);
        MemorySegment data = kvm_run.internal.data(e);
        List<Long> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(data.getAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, i));
        }
        return new VmExit.InternalError(kvm_run.internal.suberror(e), List.copyOf(values));
    }

    /** While set, KVM_RUN returns at once with EINTR. */
    public void setImmediateExit(boolean exit) {
        kvm_run.immediate_exit(run, (byte) (exit ? 1 : 0));
    }

    /** Makes the calling thread the one {@link #kick()} interrupts; call it on the vCPU thread before running. */
    public void bindToCurrentThread() {
        KickSignal.install(); // before any kick can be sent to this thread
        synchronized (threadLock) {
            runningThread = Libc.pthread_self();
        }
    }

    /** Forgets the bound thread; call it on the vCPU thread before that thread ends. */
    public void unbindThread() {
        synchronized (threadLock) {
            runningThread = 0;
        }
    }

    /**
     * From any thread: makes the vCPU's current or next KVM_RUN return {@link VmExit#INTERRUPTED}
     * ({@code immediate_exit} for an entry about to happen, a signal for one in progress). The
     * flag stays set until the vCPU thread clears it with {@code setImmediateExit(false)}.
     */
    public void kick() {
        setImmediateExit(true);
        synchronized (threadLock) {
            if (runningThread != 0) {
                int error = Libc.pthread_kill(runningThread, KickSignal.NUMBER);
                if (error != 0) {
                    throw new SyscallException("pthread_kill(vcpu " + id + ")", error);
                }
            }
        }
    }

    /**
     * {@code KVM_KVMCLOCK_CTRL}: sets the "stopped by the host" flag in this vCPU's kvmclock
     * page. The guest's soft-lockup and RCU-stall detectors look at it, so a pause does not read
     * as a vCPU that hung. Call it while the vCPU is outside KVM_RUN (on its own thread: a vCPU
     * ioctl from another thread waits for KVM_RUN to return).
     *
     * @return false when the guest has not enabled kvmclock on this vCPU (not booted that far, or
     *     a kernel without it): KVM answers EINVAL, there is no page to flag and nothing in such a
     *     guest reads one, so it is no failure
     */
    public boolean markGuestPaused() {
        try {
            ioctl("KVM_KVMCLOCK_CTRL", kvm_h.KVM_KVMCLOCK_CTRL, 0L);
            return true;
        } catch (SyscallException e) {
            if (e.errno() == Errno.EINVAL.code()) {
                return false;
            }
            throw e;
        }
    }

    public void getRegs(MemorySegment regs) {
        ioctl("KVM_GET_REGS", kvm_h.KVM_GET_REGS, checked(regs, kvm_regs.LAYOUT.byteSize()));
    }

    public void setRegs(MemorySegment regs) {
        ioctl("KVM_SET_REGS", kvm_h.KVM_SET_REGS, checked(regs, kvm_regs.LAYOUT.byteSize()));
    }

    public void getSregs(MemorySegment sregs) {
        ioctl("KVM_GET_SREGS", kvm_h.KVM_GET_SREGS, checked(sregs, kvm_sregs.LAYOUT.byteSize()));
    }

    public void setSregs(MemorySegment sregs) {
        ioctl("KVM_SET_SREGS", kvm_h.KVM_SET_SREGS, checked(sregs, kvm_sregs.LAYOUT.byteSize()));
    }

    public void getFpu(MemorySegment fpu) {
        ioctl("KVM_GET_FPU", kvm_h.KVM_GET_FPU, checked(fpu, kvm_fpu.LAYOUT.byteSize()));
    }

    public void setFpu(MemorySegment fpu) {
        ioctl("KVM_SET_FPU", kvm_h.KVM_SET_FPU, checked(fpu, kvm_fpu.LAYOUT.byteSize()));
    }

    /** Needs the in-kernel irqchip. */
    public void getLapic(MemorySegment lapic) {
        ioctl("KVM_GET_LAPIC", kvm_h.KVM_GET_LAPIC, checked(lapic, kvm_lapic_state.LAYOUT.byteSize()));
    }

    /** Needs the in-kernel irqchip. */
    public void setLapic(MemorySegment lapic) {
        ioctl("KVM_SET_LAPIC", kvm_h.KVM_SET_LAPIC, checked(lapic, kvm_lapic_state.LAYOUT.byteSize()));
    }

    public void getVcpuEvents(MemorySegment events) {
        ioctl("KVM_GET_VCPU_EVENTS", kvm_h.KVM_GET_VCPU_EVENTS, checked(events, kvm_vcpu_events.LAYOUT.byteSize()));
    }

    public void setVcpuEvents(MemorySegment events) {
        ioctl("KVM_SET_VCPU_EVENTS", kvm_h.KVM_SET_VCPU_EVENTS, checked(events, kvm_vcpu_events.LAYOUT.byteSize()));
    }

    /** One of {@code KVM_MP_STATE_*}. */
    public int mpState() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = kvm_mp_state.allocate(a);
            ioctl("KVM_GET_MP_STATE", kvm_h.KVM_GET_MP_STATE, state);
            return kvm_mp_state.mp_state(state);
        }
    }

    public void setMpState(int mpState) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = kvm_mp_state.allocate(a);
            kvm_mp_state.mp_state(state, mpState);
            ioctl("KVM_SET_MP_STATE", kvm_h.KVM_SET_MP_STATE, state);
        }
    }

    /** Sets what CPUID returns in this vCPU. */
    public void setCpuid(List<CpuidEntry> entries) {
        try (Arena a = Arena.ofConfined()) {
            ioctl("KVM_SET_CPUID2", kvm_h.KVM_SET_CPUID2, CpuidCodec.encode(a, entries));
        }
    }

    /** Writes model-specific registers (index to value); fails naming the first MSR KVM refused. */
    public void setMsrs(Map<Integer, Long> msrs) {
        List<Map.Entry<Integer, Long>> list = List.copyOf(msrs.entrySet());
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = allocateMsrs(a, list.size());
            for (int i = 0; i < list.size(); i++) {
                MemorySegment e = msrEntry(s, i);
                kvm_msr_entry.index(e, list.get(i).getKey());
                kvm_msr_entry.data(e, list.get(i).getValue());
            }
            int written = ioctl("KVM_SET_MSRS", kvm_h.KVM_SET_MSRS, s);
            if (written != list.size()) {
                throw new IllegalArgumentException("KVM_SET_MSRS refused MSR 0x"
                        + Integer.toHexString(list.get(written).getKey()));
            }
        }
    }

    /**
     * Reads the model-specific registers {@code indices}, in that order, leaving out those KVM will
     * not read for this vCPU (an index list names every MSR the host knows; a guest CPU model may
     * lack some). KVM_GET_MSRS stops at the first it refuses, so the read goes on after it.
     */
    public Map<Integer, Long> getMsrs(List<Integer> indices) {
        Map<Integer, Long> values = new LinkedHashMap<>();
        int from = 0;
        try (Arena a = Arena.ofConfined()) {
            while (from < indices.size()) {
                int n = indices.size() - from;
                MemorySegment s = allocateMsrs(a, n);
                for (int i = 0; i < n; i++) {
                    kvm_msr_entry.index(msrEntry(s, i), indices.get(from + i));
                }
                int read = ioctl("KVM_GET_MSRS", kvm_h.KVM_GET_MSRS, s);
                for (int i = 0; i < read; i++) {
                    values.put(indices.get(from + i), kvm_msr_entry.data(msrEntry(s, i)));
                }
                from += read + 1; // past the one refused
            }
        }
        return values;
    }

    /**
     * {@code KVM_GET_XSAVE}, or {@code KVM_GET_XSAVE2} when {@code xsave} is larger than
     * {@code struct kvm_xsave} (the size KVM_CAP_XSAVE2 reports, for state beyond 4 KiB).
     */
    public void getXsave(MemorySegment xsave) {
        if (checked(xsave, kvm_xsave.LAYOUT.byteSize()).byteSize() > kvm_xsave.LAYOUT.byteSize()) {
            ioctl("KVM_GET_XSAVE2", kvm_h.KVM_GET_XSAVE2, xsave);
        } else {
            ioctl("KVM_GET_XSAVE", kvm_h.KVM_GET_XSAVE, xsave);
        }
    }

    /** {@code KVM_SET_XSAVE}; takes what {@link #getXsave} filled, whatever its size. */
    public void setXsave(MemorySegment xsave) {
        ioctl("KVM_SET_XSAVE", kvm_h.KVM_SET_XSAVE, checked(xsave, kvm_xsave.LAYOUT.byteSize()));
    }

    public void getXcrs(MemorySegment xcrs) {
        ioctl("KVM_GET_XCRS", kvm_h.KVM_GET_XCRS, checked(xcrs, kvm_xcrs.LAYOUT.byteSize()));
    }

    public void setXcrs(MemorySegment xcrs) {
        ioctl("KVM_SET_XCRS", kvm_h.KVM_SET_XCRS, checked(xcrs, kvm_xcrs.LAYOUT.byteSize()));
    }

    public void getDebugRegs(MemorySegment debugregs) {
        ioctl("KVM_GET_DEBUGREGS", kvm_h.KVM_GET_DEBUGREGS, checked(debugregs, kvm_debugregs.LAYOUT.byteSize()));
    }

    public void setDebugRegs(MemorySegment debugregs) {
        ioctl("KVM_SET_DEBUGREGS", kvm_h.KVM_SET_DEBUGREGS, checked(debugregs, kvm_debugregs.LAYOUT.byteSize()));
    }

    /** The vCPU's TSC frequency in kHz ({@code KVM_GET_TSC_KHZ}, with KVM_CAP_GET_TSC_KHZ). */
    public int tscKhz() {
        return ioctl("KVM_GET_TSC_KHZ", kvm_h.KVM_GET_TSC_KHZ, 0L);
    }

    /** Scales the vCPU's TSC to {@code khz} ({@code KVM_SET_TSC_KHZ}, with KVM_CAP_TSC_CONTROL). */
    public void setTscKhz(int khz) {
        ioctl("KVM_SET_TSC_KHZ", kvm_h.KVM_SET_TSC_KHZ, khz);
    }

    /** What CPUID returns in this vCPU ({@code KVM_GET_CPUID2}): what {@link #setCpuid} set. */
    public List<CpuidEntry> cpuid() {
        for (int capacity = 128; ; capacity *= 2) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment cpuid = CpuidCodec.allocate(a, capacity);
                ioctl("KVM_GET_CPUID2", kvm_h.KVM_GET_CPUID2, cpuid);
                return CpuidCodec.decode(cpuid);
            } catch (SyscallException e) {
                // E2BIG: more entries than room; grow and ask again.
                if (e.errno() != Errno.E2BIG.code() || capacity >= 4096) {
                    throw e;
                }
            }
        }
    }

    /**
     * Writes model-specific registers in the map's order as far as KVM takes them: KVM_SET_MSRS
     * stops at the first it refuses, so the write goes on after it. Returns the refused indices.
     */
    public List<Integer> setMsrsSkippingRefused(Map<Integer, Long> msrs) {
        List<Map.Entry<Integer, Long>> list = List.copyOf(msrs.entrySet());
        List<Integer> refused = new ArrayList<>();
        int from = 0;
        try (Arena a = Arena.ofConfined()) {
            while (from < list.size()) {
                int n = list.size() - from;
                MemorySegment s = allocateMsrs(a, n);
                for (int i = 0; i < n; i++) {
                    kvm_msr_entry.index(msrEntry(s, i), list.get(from + i).getKey());
                    kvm_msr_entry.data(msrEntry(s, i), list.get(from + i).getValue());
                }
                int written = ioctl("KVM_SET_MSRS", kvm_h.KVM_SET_MSRS, s);
                if (from + written < list.size()) {
                    refused.add(list.get(from + written).getKey());
                }
                from += written + 1;
            }
        }
        return refused;
    }

    /** Reads one model-specific register. */
    public long getMsr(int index) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = allocateMsrs(a, 1);
            kvm_msr_entry.index(msrEntry(s, 0), index);
            if (ioctl("KVM_GET_MSRS", kvm_h.KVM_GET_MSRS, s) != 1) {
                throw new IllegalArgumentException("KVM_GET_MSRS refused MSR 0x" + Integer.toHexString(index));
            }
            return kvm_msr_entry.data(msrEntry(s, 0));
        }
    }

    private static MemorySegment allocateMsrs(Arena a, int n) {
        MemorySegment s = a.allocate(kvm_msrs.LAYOUT.byteSize() + n * kvm_msr_entry.LAYOUT.byteSize(),
                kvm_msrs.LAYOUT.byteAlignment());
        kvm_msrs.nmsrs(s, n);
        return s;
    }

    private static MemorySegment msrEntry(MemorySegment msrs, int i) {
        long size = kvm_msr_entry.LAYOUT.byteSize();
        return msrs.asSlice(kvm_msrs.entries$OFFSET + i * size, size);
    }

    private static MemorySegment checked(MemorySegment struct, long size) {
        if (struct.byteSize() < size) {
            throw new IllegalArgumentException("struct segment of " + struct.byteSize() + " bytes, need " + size);
        }
        return struct;
    }

    @Override
    void afterClose() {
        arena.close();
    }
}
