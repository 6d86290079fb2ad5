package dev.panamax.kvm.sys;

import java.lang.foreign.ValueLayout;

import static dev.panamax.kvm.sys.Ioctl.io;
import static dev.panamax.kvm.sys.Ioctl.ior;
import static dev.panamax.kvm.sys.Ioctl.iow;
import static dev.panamax.kvm.sys.Ioctl.iowr;

/**
 * Macros of {@code <linux/kvm.h>} and {@code <asm/kvm.h>} that a VMM needs: the API version,
 * ioctl requests, exit reasons, capabilities and flags (jextract puts these in the header
 * class). AbiTest compares every ioctl number here with the C preprocessor's.
 */
public final class kvm_h {
    private kvm_h() {}

    public static final int KVMIO = 0xAE;
    public static final int KVM_API_VERSION = 12;

    // system ioctls
    public static final long KVM_GET_API_VERSION = io(KVMIO, 0x00);
    public static final long KVM_CREATE_VM = io(KVMIO, 0x01);
    public static final long KVM_CHECK_EXTENSION = io(KVMIO, 0x03);
    public static final long KVM_GET_VCPU_MMAP_SIZE = io(KVMIO, 0x04);
    public static final long KVM_GET_SUPPORTED_CPUID = iowr(KVMIO, 0x05, kvm_cpuid2.LAYOUT);
    public static final long KVM_GET_MSR_INDEX_LIST = iowr(KVMIO, 0x02, kvm_msr_list.LAYOUT);

    // VM ioctls
    public static final long KVM_CREATE_VCPU = io(KVMIO, 0x41);
    public static final long KVM_GET_DIRTY_LOG = iow(KVMIO, 0x42, kvm_dirty_log.LAYOUT);
    public static final long KVM_SET_USER_MEMORY_REGION = iow(KVMIO, 0x46, kvm_userspace_memory_region.LAYOUT);
    public static final long KVM_SET_TSS_ADDR = io(KVMIO, 0x47);
    public static final long KVM_SET_IDENTITY_MAP_ADDR = iow(KVMIO, 0x48, ValueLayout.JAVA_LONG);
    public static final long KVM_CREATE_IRQCHIP = io(KVMIO, 0x60);
    public static final long KVM_IRQ_LINE = iow(KVMIO, 0x61, kvm_irq_level.LAYOUT);
    public static final long KVM_GET_IRQCHIP = iowr(KVMIO, 0x62, kvm_irqchip.LAYOUT);
    /** {@code _IOR} in the header, though it writes: the number is what counts. */
    public static final long KVM_SET_IRQCHIP = ior(KVMIO, 0x63, kvm_irqchip.LAYOUT);
    public static final long KVM_IRQFD = iow(KVMIO, 0x76, kvm_irqfd.LAYOUT);
    public static final long KVM_CREATE_PIT2 = iow(KVMIO, 0x77, kvm_pit_config.LAYOUT);
    public static final long KVM_IOEVENTFD = iow(KVMIO, 0x79, kvm_ioeventfd.LAYOUT);
    public static final long KVM_SET_CLOCK = iow(KVMIO, 0x7b, kvm_clock_data.LAYOUT);
    public static final long KVM_GET_CLOCK = ior(KVMIO, 0x7c, kvm_clock_data.LAYOUT);
    public static final long KVM_GET_PIT2 = ior(KVMIO, 0x9f, kvm_pit_state2.LAYOUT);
    public static final long KVM_SET_PIT2 = iow(KVMIO, 0xa0, kvm_pit_state2.LAYOUT);

    // vCPU ioctls
    public static final long KVM_RUN = io(KVMIO, 0x80);
    public static final long KVM_GET_REGS = ior(KVMIO, 0x81, kvm_regs.LAYOUT);
    public static final long KVM_SET_REGS = iow(KVMIO, 0x82, kvm_regs.LAYOUT);
    public static final long KVM_GET_SREGS = ior(KVMIO, 0x83, kvm_sregs.LAYOUT);
    public static final long KVM_SET_SREGS = iow(KVMIO, 0x84, kvm_sregs.LAYOUT);
    public static final long KVM_GET_MSRS = iowr(KVMIO, 0x88, kvm_msrs.LAYOUT);
    public static final long KVM_SET_MSRS = iow(KVMIO, 0x89, kvm_msrs.LAYOUT);
    public static final long KVM_GET_FPU = ior(KVMIO, 0x8c, kvm_fpu.LAYOUT);
    public static final long KVM_SET_FPU = iow(KVMIO, 0x8d, kvm_fpu.LAYOUT);
    public static final long KVM_GET_LAPIC = ior(KVMIO, 0x8e, kvm_lapic_state.LAYOUT);
    public static final long KVM_SET_LAPIC = iow(KVMIO, 0x8f, kvm_lapic_state.LAYOUT);
    public static final long KVM_SET_CPUID2 = iow(KVMIO, 0x90, kvm_cpuid2.LAYOUT);
    public static final long KVM_GET_CPUID2 = iowr(KVMIO, 0x91, kvm_cpuid2.LAYOUT);
    public static final long KVM_GET_MP_STATE = ior(KVMIO, 0x98, kvm_mp_state.LAYOUT);
    public static final long KVM_SET_MP_STATE = iow(KVMIO, 0x99, kvm_mp_state.LAYOUT);
    public static final long KVM_GET_VCPU_EVENTS = ior(KVMIO, 0x9f, kvm_vcpu_events.LAYOUT);
    public static final long KVM_SET_VCPU_EVENTS = iow(KVMIO, 0xa0, kvm_vcpu_events.LAYOUT);
    public static final long KVM_KVMCLOCK_CTRL = io(KVMIO, 0xad);
    public static final long KVM_GET_DEBUGREGS = ior(KVMIO, 0xa1, kvm_debugregs.LAYOUT);
    public static final long KVM_SET_DEBUGREGS = iow(KVMIO, 0xa2, kvm_debugregs.LAYOUT);
    public static final long KVM_SET_TSC_KHZ = io(KVMIO, 0xa2);
    public static final long KVM_GET_TSC_KHZ = io(KVMIO, 0xa3);
    public static final long KVM_GET_XSAVE = ior(KVMIO, 0xa4, kvm_xsave.LAYOUT);
    public static final long KVM_SET_XSAVE = iow(KVMIO, 0xa5, kvm_xsave.LAYOUT);
    public static final long KVM_GET_XCRS = ior(KVMIO, 0xa6, kvm_xcrs.LAYOUT);
    public static final long KVM_SET_XCRS = iow(KVMIO, 0xa7, kvm_xcrs.LAYOUT);
    /** Like KVM_GET_XSAVE, for a buffer of the size KVM_CAP_XSAVE2 gives (AMX state is larger than 4 KiB). */
    public static final long KVM_GET_XSAVE2 = ior(KVMIO, 0xcf, kvm_xsave.LAYOUT);

    // exit reasons (kvm_run.exit_reason)
    public static final int KVM_EXIT_UNKNOWN = 0;
    public static final int KVM_EXIT_EXCEPTION = 1;
    public static final int KVM_EXIT_IO = 2;
    public static final int KVM_EXIT_HYPERCALL = 3;
    public static final int KVM_EXIT_DEBUG = 4;
    public static final int KVM_EXIT_HLT = 5;
    public static final int KVM_EXIT_MMIO = 6;
    public static final int KVM_EXIT_IRQ_WINDOW_OPEN = 7;
    public static final int KVM_EXIT_SHUTDOWN = 8;
    public static final int KVM_EXIT_FAIL_ENTRY = 9;
    public static final int KVM_EXIT_INTR = 10;
    public static final int KVM_EXIT_INTERNAL_ERROR = 17;
    public static final int KVM_EXIT_SYSTEM_EVENT = 24;

    public static final int KVM_EXIT_IO_IN = 0;
    public static final int KVM_EXIT_IO_OUT = 1;

    public static final int KVM_SYSTEM_EVENT_SHUTDOWN = 1;
    public static final int KVM_SYSTEM_EVENT_RESET = 2;
    public static final int KVM_SYSTEM_EVENT_CRASH = 3;

    public static final int KVM_INTERNAL_ERROR_EMULATION = 1;

    // capabilities (KVM_CHECK_EXTENSION)
    public static final int KVM_CAP_IRQCHIP = 0;
    public static final int KVM_CAP_HLT = 1;
    public static final int KVM_CAP_USER_MEMORY = 3;
    public static final int KVM_CAP_SET_TSS_ADDR = 4;
    public static final int KVM_CAP_EXT_CPUID = 7;
    public static final int KVM_CAP_NR_VCPUS = 9;
    public static final int KVM_CAP_NR_MEMSLOTS = 10;
    public static final int KVM_CAP_PIT = 11;
    public static final int KVM_CAP_MP_STATE = 14;
    public static final int KVM_CAP_IRQ_ROUTING = 25;
    public static final int KVM_CAP_SET_IDENTITY_MAP_ADDR = 37;
    public static final int KVM_CAP_IRQFD = 32;
    public static final int KVM_CAP_PIT2 = 33;
    public static final int KVM_CAP_IOEVENTFD = 36;
    public static final int KVM_CAP_ADJUST_CLOCK = 39;
    public static final int KVM_CAP_VCPU_EVENTS = 41;
    public static final int KVM_CAP_KVMCLOCK_CTRL = 76;
    public static final int KVM_CAP_DEBUGREGS = 50;
    public static final int KVM_CAP_XSAVE = 55;
    public static final int KVM_CAP_XCRS = 56;
    public static final int KVM_CAP_TSC_CONTROL = 60;
    public static final int KVM_CAP_TSC_DEADLINE_TIMER = 72;
    public static final int KVM_CAP_GET_TSC_KHZ = 61;
    public static final int KVM_CAP_XSAVE2 = 208;
    public static final int KVM_CAP_IMMEDIATE_EXIT = 136;
    public static final int KVM_CAP_MAX_VCPUS = 66;

    // flags
    public static final int KVM_MEM_LOG_DIRTY_PAGES = 1;
    public static final int KVM_MEM_READONLY = 2;
    public static final int KVM_IRQFD_FLAG_DEASSIGN = 1;
    public static final int KVM_IOEVENTFD_FLAG_DATAMATCH = 1;
    public static final int KVM_IOEVENTFD_FLAG_PIO = 2;
    public static final int KVM_IOEVENTFD_FLAG_DEASSIGN = 4;
    public static final int KVM_PIT_SPEAKER_DUMMY = 1;

    // kvm_irqchip.chip_id
    public static final int KVM_IRQCHIP_PIC_MASTER = 0;
    public static final int KVM_IRQCHIP_PIC_SLAVE = 1;
    public static final int KVM_IRQCHIP_IOAPIC = 2;

    // kvm_mp_state.mp_state
    public static final int KVM_MP_STATE_RUNNABLE = 0;
    public static final int KVM_MP_STATE_UNINITIALIZED = 1;
    public static final int KVM_MP_STATE_INIT_RECEIVED = 2;
    public static final int KVM_MP_STATE_HALTED = 3;
    public static final int KVM_MP_STATE_SIPI_RECEIVED = 4;
}
