package dev.panamax.kvm.sys;

/**
 * Macros of {@code <linux/seccomp.h>}, {@code <linux/filter.h>}, {@code <linux/audit.h>},
 * {@code <sys/prctl.h>} and {@code <sys/syscall.h>} (x86_64) that a seccomp filter needs: the
 * prctl and seccomp operations, the filter's return actions, the classic BPF opcodes, and the
 * numbers of the system calls Panamax's filter refuses. AbiTest compares every value here with
 * the C preprocessor's. Values C writes unsigned beyond int are longs.
 */
@SuppressWarnings("unused")
public final class seccomp_h {
    private seccomp_h() {}

    public static final int PR_SET_NO_NEW_PRIVS = 38;
    public static final int PR_GET_NO_NEW_PRIVS = 39;
    public static final int PR_GET_SECCOMP = 21;

    public static final int SECCOMP_MODE_FILTER = 2;
    public static final int SECCOMP_SET_MODE_FILTER = 1;
    /** Install the filter on every thread of the process, not just the caller. */
    public static final int SECCOMP_FILTER_FLAG_TSYNC = 1;
    public static final long SECCOMP_RET_KILL_PROCESS = 0x8000_0000L;
    public static final int SECCOMP_RET_ALLOW = 0x7fff_0000;

    /** {@code EM_X86_64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE}: seccomp_data.arch of a 64-bit call. */
    public static final long AUDIT_ARCH_X86_64 = 0xc000_003eL;
    /** Set in the number of an x32 system call, which shares the x86_64 arch value. */
    public static final int __X32_SYSCALL_BIT = 0x4000_0000;

    // classic BPF opcodes (the parts ORed together)
    public static final int BPF_LD = 0x00;
    public static final int BPF_JMP = 0x05;
    public static final int BPF_RET = 0x06;
    public static final int BPF_W = 0x00;
    public static final int BPF_ABS = 0x20;
    public static final int BPF_JEQ = 0x10;
    public static final int BPF_JGE = 0x30;
    public static final int BPF_K = 0x00;
    /** The most instructions one filter may have. */
    public static final int BPF_MAXINSNS = 4096;

    public static final int __NR_seccomp = 317;

    public static final int __NR_execve = 59;
    public static final int __NR_execveat = 322;
    public static final int __NR_ptrace = 101;
    public static final int __NR_process_vm_readv = 310;
    public static final int __NR_process_vm_writev = 311;
    public static final int __NR_mount = 165;
    public static final int __NR_umount2 = 166;
    public static final int __NR_mount_setattr = 442;
    public static final int __NR_move_mount = 429;
    public static final int __NR_open_tree = 428;
    public static final int __NR_fsopen = 430;
    public static final int __NR_fsconfig = 431;
    public static final int __NR_fsmount = 432;
    public static final int __NR_fspick = 433;
    public static final int __NR_pivot_root = 155;
    public static final int __NR_chroot = 161;
    public static final int __NR_kexec_load = 246;
    public static final int __NR_kexec_file_load = 320;
    public static final int __NR_bpf = 321;
    public static final int __NR_init_module = 175;
    public static final int __NR_finit_module = 313;
    public static final int __NR_delete_module = 176;
    public static final int __NR_reboot = 169;
    public static final int __NR_swapon = 167;
    public static final int __NR_swapoff = 168;
    public static final int __NR_setns = 308;
    public static final int __NR_unshare = 272;
    public static final int __NR_keyctl = 250;
    public static final int __NR_add_key = 248;
    public static final int __NR_request_key = 249;
    public static final int __NR_perf_event_open = 298;
    public static final int __NR_userfaultfd = 323;
    public static final int __NR_acct = 163;
    public static final int __NR_settimeofday = 164;
    public static final int __NR_clock_settime = 227;
    public static final int __NR_clock_adjtime = 305;
    public static final int __NR_adjtimex = 159;
    public static final int __NR_sethostname = 170;
    public static final int __NR_setdomainname = 171;
    public static final int __NR_iopl = 172;
    public static final int __NR_ioperm = 173;
    public static final int __NR_quotactl = 179;
    public static final int __NR_open_by_handle_at = 304;
    public static final int __NR_name_to_handle_at = 303;
    public static final int __NR_kcmp = 312;
    public static final int __NR_pidfd_getfd = 438;
    public static final int __NR_syslog = 103;
    public static final int __NR_vhangup = 153;
    public static final int __NR_uselib = 134;
    public static final int __NR_io_uring_setup = 425;
    public static final int __NR_io_uring_enter = 426;
    public static final int __NR_io_uring_register = 427;
}
