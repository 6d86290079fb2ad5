package dev.panamax.kvm;

import dev.panamax.kvm.sys.Libc;
import dev.panamax.kvm.sys.SyscallException;
import dev.panamax.kvm.sys.kvm_h;
import dev.panamax.kvm.sys.kvm_msr_list;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static dev.panamax.kvm.sys.Errno.E2BIG;

/** The system handle, {@code /dev/kvm}: capabilities, supported CPUID, and VM creation. */
public final class Kvm extends FileDescriptor {
    private Kvm(int fd) {
        super(fd);
    }

    /** Opens this process's KVM device ({@link KvmHost#configuredDevice()}) and checks that it speaks API version 12. */
    public static Kvm open() {
        return open(KvmHost.configuredDevice().toString());
    }

    /** Opens the KVM device at {@code path} and checks that it speaks API version 12. */
    public static Kvm open(String path) {
        Kvm kvm = new Kvm(FileDescriptor.open(path, Libc.O_RDWR | Libc.O_CLOEXEC));
        int version = kvm.apiVersion();
        if (version != kvm_h.KVM_API_VERSION) {
            kvm.close();
            throw new IllegalStateException(path + " speaks KVM API version " + version + ", expected "
                    + kvm_h.KVM_API_VERSION);
        }
        return kvm;
    }

    public int apiVersion() {
        return ioctl("KVM_GET_API_VERSION", kvm_h.KVM_GET_API_VERSION, 0L);
    }

    /** {@code KVM_CHECK_EXTENSION}: 0 when unsupported, otherwise a capability-specific positive value. */
    public int checkExtension(int capability) {
        return ioctl("KVM_CHECK_EXTENSION", kvm_h.KVM_CHECK_EXTENSION, capability);
    }

    /** Size of the {@code kvm_run} area to mmap from each vCPU fd. */
    public int vcpuMmapSize() {
        return ioctl("KVM_GET_VCPU_MMAP_SIZE", kvm_h.KVM_GET_VCPU_MMAP_SIZE, 0L);
    }

    /** The CPUID leaves this host's KVM can expose to a guest. */
    public List<CpuidEntry> supportedCpuid() {
        for (int capacity = 128; ; capacity *= 2) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment cpuid = CpuidCodec.allocate(arena, capacity);
                ioctl("KVM_GET_SUPPORTED_CPUID", kvm_h.KVM_GET_SUPPORTED_CPUID, cpuid);
                return CpuidCodec.decode(cpuid);
            } catch (SyscallException e) {
                // E2BIG: the buffer is too small for this host's leaves; grow and ask again.
                if (e.errno() != E2BIG.code() || capacity >= 4096) {
                    throw e;
                }
            }
        }
    }

    /**
     * The MSRs this host's KVM saves and restores for a guest ({@code KVM_GET_MSR_INDEX_LIST}):
     * what a snapshot reads with KVM_GET_MSRS.
     */
    public List<Integer> msrIndexList() {
        for (int capacity = 256; ; capacity *= 2) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment list = arena.allocate(kvm_msr_list.LAYOUT.byteSize() + 4L * capacity,
                        kvm_msr_list.LAYOUT.byteAlignment());
                kvm_msr_list.nmsrs(list, capacity);
                ioctl("KVM_GET_MSR_INDEX_LIST", kvm_h.KVM_GET_MSR_INDEX_LIST, list);
                int n = kvm_msr_list.nmsrs(list);
                List<Integer> indices = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    indices.add(list.get(ValueLayout.JAVA_INT, kvm_msr_list.indices$OFFSET + 4L * i));
                }
                return List.copyOf(indices);
            } catch (SyscallException e) {
                // E2BIG: the host knows more MSRs than room; grow and ask again.
                if (e.errno() != E2BIG.code() || capacity >= 16384) {
                    throw e;
                }
            }
        }
    }

    /** Creates a VM; the returned handle must be closed before this one. */
    public VmFd createVm() {
        return new VmFd(ioctl("KVM_CREATE_VM", kvm_h.KVM_CREATE_VM, 0L), vcpuMmapSize());
    }
}
