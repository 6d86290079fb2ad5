package dev.panamax.kvm;

import dev.panamax.kvm.sys.kvm_clock_data;
import dev.panamax.kvm.sys.kvm_dirty_log;
import dev.panamax.kvm.sys.kvm_h;
import dev.panamax.kvm.sys.kvm_ioeventfd;
import dev.panamax.kvm.sys.kvm_irq_level;
import dev.panamax.kvm.sys.kvm_irqchip;
import dev.panamax.kvm.sys.kvm_irqfd;
import dev.panamax.kvm.sys.kvm_pit_config;
import dev.panamax.kvm.sys.kvm_pit_state2;
import dev.panamax.kvm.sys.kvm_userspace_memory_region;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.OptionalLong;

/** A VM: memory slots, the in-kernel irqchip and PIT, interrupt lines, irqfds, ioeventfds, vCPUs. */
public final class VmFd extends FileDescriptor {
    private final int vcpuMmapSize;

    VmFd(int fd, int vcpuMmapSize) {
        super(fd);
        this.vcpuMmapSize = vcpuMmapSize;
    }

    /** {@code KVM_CHECK_EXTENSION} on the VM, which may answer differently from the system fd. */
    public int checkExtension(int capability) {
        return ioctl("KVM_CHECK_EXTENSION", kvm_h.KVM_CHECK_EXTENSION, capability);
    }

    /**
     * Maps {@code size} bytes of host memory at {@code hostAddress} into guest-physical space at
     * {@code guestAddress} as slot {@code slot}; size 0 deletes the slot.
     */
    public void setUserMemoryRegion(int slot, int flags, long guestAddress, long size, long hostAddress) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = kvm_userspace_memory_region.allocate(arena);
            kvm_userspace_memory_region.slot(region, slot);
            kvm_userspace_memory_region.flags(region, flags);
            kvm_userspace_memory_region.guest_phys_addr(region, guestAddress);
            kvm_userspace_memory_region.memory_size(region, size);
            kvm_userspace_memory_region.userspace_addr(region, hostAddress);
            ioctl("KVM_SET_USER_MEMORY_REGION", kvm_h.KVM_SET_USER_MEMORY_REGION, region);
        }
    }

    /** Three pages of guest-physical space Intel's real-mode emulation needs (VMX only; harmless elsewhere). */
    public void setTssAddress(long guestAddress) {
        ioctl("KVM_SET_TSS_ADDR", kvm_h.KVM_SET_TSS_ADDR, guestAddress);
    }

    public void setIdentityMapAddress(long guestAddress) {
        try (Arena arena = Arena.ofConfined()) {
            ioctl("KVM_SET_IDENTITY_MAP_ADDR", kvm_h.KVM_SET_IDENTITY_MAP_ADDR,
                    arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_LONG, guestAddress));
        }
    }

    /** Creates the in-kernel PIC pair, IOAPIC and per-vCPU LAPICs. */
    public void createIrqchip() {
        ioctl("KVM_CREATE_IRQCHIP", kvm_h.KVM_CREATE_IRQCHIP, 0L);
    }

    /** Creates the in-kernel i8254 PIT. */
    public void createPit2(int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment config = kvm_pit_config.allocate(arena);
            kvm_pit_config.flags(config, flags);
            ioctl("KVM_CREATE_PIT2", kvm_h.KVM_CREATE_PIT2, config);
        }
    }

    /** Drives interrupt line {@code irq} (GSI) of the in-kernel irqchip. */
    public void setIrqLine(int irq, boolean high) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment level = kvm_irq_level.allocate(arena);
            kvm_irq_level.irq(level, irq);
            kvm_irq_level.level(level, high ? 1 : 0);
            ioctl("KVM_IRQ_LINE", kvm_h.KVM_IRQ_LINE, level);
        }
    }

    /** Makes a signal of {@code eventFd} inject {@code gsi}, without a trip through userspace. */
    public void registerIrqfd(EventFd eventFd, int gsi) {
        irqfd(eventFd, gsi, 0);
    }

    public void unregisterIrqfd(EventFd eventFd, int gsi) {
        irqfd(eventFd, gsi, kvm_h.KVM_IRQFD_FLAG_DEASSIGN);
    }

    private void irqfd(EventFd eventFd, int gsi, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment irqfd = kvm_irqfd.allocate(arena);
            kvm_irqfd.fd(irqfd, eventFd.fd());
            kvm_irqfd.gsi(irqfd, gsi);
            kvm_irqfd.flags(irqfd, flags);
            ioctl("KVM_IRQFD", kvm_h.KVM_IRQFD, irqfd);
        }
    }

    /**
     * Makes a guest write of {@code length} bytes to {@code address} (an I/O port when
     * {@code pio}, else MMIO) signal {@code eventFd} instead of exiting to userspace;
     * with {@code datamatch}, only writes of that value do.
     */
    public void registerIoeventfd(EventFd eventFd, long address, int length, boolean pio, OptionalLong datamatch) {
        ioeventfd(eventFd, address, length, pio, datamatch, 0);
    }

    public void unregisterIoeventfd(EventFd eventFd, long address, int length, boolean pio, OptionalLong datamatch) {
        ioeventfd(eventFd, address, length, pio, datamatch, kvm_h.KVM_IOEVENTFD_FLAG_DEASSIGN);
    }

    private void ioeventfd(EventFd eventFd, long address, int length, boolean pio, OptionalLong datamatch, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ioeventfd = kvm_ioeventfd.allocate(arena);
            kvm_ioeventfd.addr(ioeventfd, address);
            kvm_ioeventfd.len(ioeventfd, length);
            kvm_ioeventfd.fd(ioeventfd, eventFd.fd());
            int f = flags | (pio ? kvm_h.KVM_IOEVENTFD_FLAG_PIO : 0);
            if (datamatch.isPresent()) {
                f |= kvm_h.KVM_IOEVENTFD_FLAG_DATAMATCH;
                kvm_ioeventfd.datamatch(ioeventfd, datamatch.getAsLong());
            }
            kvm_ioeventfd.flags(ioeventfd, f);
            ioctl("KVM_IOEVENTFD", kvm_h.KVM_IOEVENTFD, ioeventfd);
        }
    }

    /**
     * Copies slot {@code slot}'s dirty-page bitmap (one bit per 4 KiB page, clearing KVM's copy)
     * into {@code bitmap}, which must hold at least one bit per page of the slot, rounded up to 64.
     */
    public void getDirtyLog(int slot, MemorySegment bitmap) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment log = kvm_dirty_log.allocate(arena);
            kvm_dirty_log.slot(log, slot);
            kvm_dirty_log.dirty_bitmap(log, bitmap);
            ioctl("KVM_GET_DIRTY_LOG", kvm_h.KVM_GET_DIRTY_LOG, log);
        }
    }

    /** The guest's kvmclock, in nanoseconds. */
    public long clock() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = kvm_clock_data.allocate(arena);
            ioctl("KVM_GET_CLOCK", kvm_h.KVM_GET_CLOCK, data);
            return kvm_clock_data.clock(data);
        }
    }

    public void setClock(long nanoseconds) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = kvm_clock_data.allocate(arena);
            kvm_clock_data.clock(data, nanoseconds);
            ioctl("KVM_SET_CLOCK", kvm_h.KVM_SET_CLOCK, data);
        }
    }

    /**
     * The state of in-kernel irqchip {@code chipId} ({@code KVM_IRQCHIP_PIC_MASTER},
     * {@code _PIC_SLAVE}, {@code _IOAPIC}) into {@code irqchip}, a {@code struct kvm_irqchip}.
     */
    public void getIrqchip(int chipId, MemorySegment irqchip) {
        kvm_irqchip.chip_id(checked(irqchip, kvm_irqchip.LAYOUT.byteSize()), chipId);
        ioctl("KVM_GET_IRQCHIP", kvm_h.KVM_GET_IRQCHIP, irqchip);
    }

    /** Loads the chip {@code irqchip}'s {@code chip_id} names, as {@link #getIrqchip} filled it. */
    public void setIrqchip(MemorySegment irqchip) {
        ioctl("KVM_SET_IRQCHIP", kvm_h.KVM_SET_IRQCHIP, checked(irqchip, kvm_irqchip.LAYOUT.byteSize()));
    }

    public void getPit2(MemorySegment pit) {
        ioctl("KVM_GET_PIT2", kvm_h.KVM_GET_PIT2, checked(pit, kvm_pit_state2.LAYOUT.byteSize()));
    }

    public void setPit2(MemorySegment pit) {
        ioctl("KVM_SET_PIT2", kvm_h.KVM_SET_PIT2, checked(pit, kvm_pit_state2.LAYOUT.byteSize()));
    }

    private static MemorySegment checked(MemorySegment struct, long size) {
        if (struct.byteSize() < size) {
            throw new IllegalArgumentException("struct segment of " + struct.byteSize() + " bytes, need " + size);
        }
        return struct;
    }

    /** Creates vCPU {@code id} (its APIC ID) and maps its {@code kvm_run} area. */
    public VcpuFd createVcpu(int id) {
        return new VcpuFd(ioctl("KVM_CREATE_VCPU", kvm_h.KVM_CREATE_VCPU, id), id, vcpuMmapSize);
    }
}
