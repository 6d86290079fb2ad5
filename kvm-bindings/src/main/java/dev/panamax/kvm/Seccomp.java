package dev.panamax.kvm;

import dev.panamax.kvm.sys.Libc;
import dev.panamax.kvm.sys.Syscall;
import dev.panamax.kvm.sys.sock_filter;
import dev.panamax.kvm.sys.sock_fprog;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.panamax.kvm.sys.seccomp_data.arch$OFFSET;
import static dev.panamax.kvm.sys.seccomp_data.nr$OFFSET;
import static dev.panamax.kvm.sys.seccomp_h.*;

/**
 * The seccomp-bpf filter Panamax installs once the VM is built: every thread of the process
 * ({@code SECCOMP_FILTER_FLAG_TSYNC}), and every thread started later, is killed with the whole
 * process ({@code SECCOMP_RET_KILL_PROCESS}, the kernel's SIGSYS) when it makes one of the
 * {@link #DENIED} system calls, a system call of another ABI (only x86_64 numbers are checked,
 * so an i386 {@code int 0x80} or an x32 number could dodge the list) or anything else is allowed.
 *
 * <p>A deny list rather than an allow list: a JVM's system calls depend on its version, garbage
 * collector, JIT and flags, and one forgotten call (a GC's {@code madvise} variant, a
 * {@code rseq} of a new glibc) would kill a healthy VMM at some rare moment. The list names what
 * a running VMM never needs and an attacker who took over a device thread most wants: starting
 * programs, debugging or writing other processes, mounts and namespaces, kernel modules, BPF,
 * kexec, keyrings, perf, userfaultfd, io_uring (which would run system calls past the filter),
 * the clock and host name, and raw port access. A filter cannot be removed once installed.
 */
public final class Seccomp {
    private Seccomp() {}

    /** One system call the filter refuses, by its x86_64 name and number. */
    public record Denied(String name, int number) {}

    /** What the filter refuses, in the order it checks. */
    public static final List<Denied> DENIED = List.of(
            new Denied("execve", __NR_execve), new Denied("execveat", __NR_execveat),
            new Denied("ptrace", __NR_ptrace), new Denied("process_vm_readv", __NR_process_vm_readv),
            new Denied("process_vm_writev", __NR_process_vm_writev),
            new Denied("mount", __NR_mount), new Denied("umount2", __NR_umount2),
            new Denied("mount_setattr", __NR_mount_setattr), new Denied("move_mount", __NR_move_mount),
            new Denied("open_tree", __NR_open_tree), new Denied("fsopen", __NR_fsopen),
            new Denied("fsconfig", __NR_fsconfig), new Denied("fsmount", __NR_fsmount),
            new Denied("fspick", __NR_fspick), new Denied("pivot_root", __NR_pivot_root),
            new Denied("chroot", __NR_chroot),
            new Denied("kexec_load", __NR_kexec_load), new Denied("kexec_file_load", __NR_kexec_file_load),
            new Denied("bpf", __NR_bpf),
            new Denied("init_module", __NR_init_module), new Denied("finit_module", __NR_finit_module),
            new Denied("delete_module", __NR_delete_module),
            new Denied("reboot", __NR_reboot), new Denied("swapon", __NR_swapon), new Denied("swapoff", __NR_swapoff),
            new Denied("setns", __NR_setns), new Denied("unshare", __NR_unshare),
            new Denied("keyctl", __NR_keyctl), new Denied("add_key", __NR_add_key),
            new Denied("request_key", __NR_request_key),
            new Denied("perf_event_open", __NR_perf_event_open), new Denied("userfaultfd", __NR_userfaultfd),
            new Denied("acct", __NR_acct), new Denied("settimeofday", __NR_settimeofday),
            new Denied("clock_settime", __NR_clock_settime), new Denied("clock_adjtime", __NR_clock_adjtime),
            new Denied("adjtimex", __NR_adjtimex), new Denied("sethostname", __NR_sethostname),
            new Denied("setdomainname", __NR_setdomainname), new Denied("iopl", __NR_iopl),
            new Denied("ioperm", __NR_ioperm), new Denied("quotactl", __NR_quotactl),
            new Denied("open_by_handle_at", __NR_open_by_handle_at),
            new Denied("name_to_handle_at", __NR_name_to_handle_at),
            new Denied("kcmp", __NR_kcmp), new Denied("pidfd_getfd", __NR_pidfd_getfd),
            new Denied("syslog", __NR_syslog), new Denied("vhangup", __NR_vhangup), new Denied("uselib", __NR_uselib),
            new Denied("io_uring_setup", __NR_io_uring_setup), new Denied("io_uring_enter", __NR_io_uring_enter),
            new Denied("io_uring_register", __NR_io_uring_register));

    /** A classic BPF program's source: instructions, and labels that jumps name. */
    public sealed interface Bpf {
        /** {@code ld [offset]}: the 32-bit word of seccomp_data at {@code offset} into A. */
        record Load(long offset) implements Bpf {}

        /** {@code jeq #value, ifTrue, ifFalse}; a target of {@link #NEXT} falls through. */
        record JumpIfEqual(long value, String ifTrue, String ifFalse) implements Bpf {}

        /** {@code jge #value, ifTrue, ifFalse} (unsigned). */
        record JumpIfAtLeast(long value, String ifTrue, String ifFalse) implements Bpf {}

        /** {@code ret #action}. */
        record Return(long action) implements Bpf {}

        /** Names the position of the next instruction; not an instruction itself. */
        record Label(String name) implements Bpf {}
    }

    /** A jump target meaning the next instruction. */
    public static final String NEXT = "";

    /** One assembled instruction, as {@link sock_filter} holds it ({@code jt}/{@code jf} unsigned 0..255). */
    public record Instruction(int code, int jt, int jf, int k) {}

    /** The filter's source: architecture and x32 checks, then one comparison per denied call. */
    public static List<Bpf> program(List<Denied> denied) {
        List<Bpf> source = new ArrayList<>();
        source.add(new Bpf.Load(arch$OFFSET));
        source.add(new Bpf.JumpIfEqual(AUDIT_ARCH_X86_64, NEXT, "kill"));
        source.add(new Bpf.Load(nr$OFFSET));
        source.add(new Bpf.JumpIfAtLeast(__X32_SYSCALL_BIT, "kill", NEXT));
        for (Denied d : denied) {
            source.add(new Bpf.JumpIfEqual(d.number(), "kill", NEXT));
        }
        source.add(new Bpf.Return(SECCOMP_RET_ALLOW));
        source.add(new Bpf.Label("kill"));
        source.add(new Bpf.Return(SECCOMP_RET_KILL_PROCESS));
        return source;
    }

    /**
     * Assembles {@code source}: labels become forward jump offsets.
     *
     * @throws IllegalArgumentException for an unknown or backward label, a jump over more than
     *     255 instructions, or a program longer than BPF_MAXINSNS
     */
    public static List<Instruction> assemble(List<Bpf> source) {
        Map<String, Integer> labels = new HashMap<>();
        int pc = 0;
        for (Bpf b : source) {
            if (b instanceof Bpf.Label(String name)) {
                if (labels.put(name, pc) != null) {
                    throw new IllegalArgumentException("BPF label " + name + " defined twice");
                }
            } else {
                pc++;
            }
        }
        if (pc > BPF_MAXINSNS) {
            throw new IllegalArgumentException("BPF program of " + pc + " instructions; the most is " + BPF_MAXINSNS);
        }
        List<Instruction> out = new ArrayList<>(pc);
        for (Bpf b : source) {
            int here = out.size();
            switch (b) {
                case Bpf.Load(long offset) -> out.add(new Instruction(BPF_LD | BPF_W | BPF_ABS, 0, 0, (int) offset));
                case Bpf.JumpIfEqual(long v, String t, String f) ->
                        out.add(new Instruction(BPF_JMP | BPF_JEQ | BPF_K, offset(labels, here, t), offset(labels, here, f), (int) v));
                case Bpf.JumpIfAtLeast(long v, String t, String f) ->
                        out.add(new Instruction(BPF_JMP | BPF_JGE | BPF_K, offset(labels, here, t), offset(labels, here, f), (int) v));
                case Bpf.Return(long action) -> out.add(new Instruction(BPF_RET | BPF_K, 0, 0, (int) action));
                case Bpf.Label l -> { }
            }
        }
        return List.copyOf(out);
    }

    private static int offset(Map<String, Integer> labels, int from, String label) {
        if (label.equals(NEXT)) {
            return 0;
        }
        Integer to = labels.get(label);
        if (to == null) {
            throw new IllegalArgumentException("BPF label " + label + " is not defined");
        }
        int skip = to - from - 1; // cBPF jumps count from the next instruction, forward only
        if (skip < 0 || skip > 255) {
            throw new IllegalArgumentException("BPF jump from " + from + " to " + label + " (" + to
                    + ") is not 0..255 instructions forward");
        }
        return skip;
    }

    /** Panamax's filter, assembled. */
    public static List<Instruction> filter() {
        return assemble(program(DENIED));
    }

    /**
     * Installs {@link #filter()} on every thread of this process: {@code prctl(PR_SET_NO_NEW_PRIVS)}
     * (required for an unprivileged filter), then {@code seccomp(SECCOMP_SET_MODE_FILTER, TSYNC)}.
     * Irreversible.
     *
     * @throws dev.panamax.kvm.sys.SyscallException naming the call that failed
     * @throws IllegalStateException when a thread could not take the filter (TSYNC names it)
     */
    public static void install() {
        List<Instruction> filter = filter();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = Libc.allocateCaptureState(a);
            Syscall.check("prctl(PR_SET_NO_NEW_PRIVS)", Libc.prctl(state, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), state);
            MemorySegment code = a.allocate(sock_filter.LAYOUT, filter.size());
            for (int i = 0; i < filter.size(); i++) {
                Instruction in = filter.get(i);
                sock_filter.set(code, i, (short) in.code(), (byte) in.jt(), (byte) in.jf(), in.k());
            }
            MemorySegment prog = sock_fprog.allocate(a, (short) filter.size(), code);
            long rc = Syscall.check("seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC)",
                    Libc.syscall(state, __NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, prog.address()),
                    state);
            if (rc != 0) {
                throw new IllegalStateException("seccomp: thread " + rc + " could not take the filter");
            }
        }
    }

    /** Whether the calling thread runs under a seccomp filter ({@code prctl(PR_GET_SECCOMP)}). */
    public static boolean active() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = Libc.allocateCaptureState(a);
            return Syscall.check("prctl(PR_GET_SECCOMP)", Libc.prctl(state, PR_GET_SECCOMP, 0, 0, 0, 0), state)
                    == SECCOMP_MODE_FILTER;
        }
    }

    /**
     * For tests of the filter only: {@code execve(program, [program], [])} as a raw system call
     * from this thread. Under the filter the process dies of SIGSYS here; without it the process
     * becomes {@code program}.
     */
    public static void execveForTests(String program) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment path = a.allocateFrom(program);
            MemorySegment argv = a.allocate(ValueLayout.ADDRESS, 2);
            argv.setAtIndex(ValueLayout.ADDRESS, 0, path);
            MemorySegment envp = a.allocate(ValueLayout.ADDRESS, 1);
            MemorySegment state = Libc.allocateCaptureState(a);
            Syscall.check("execve(" + program + ")",
                    Libc.syscall(state, __NR_execve, path.address(), argv.address(), envp.address()), state);
        }
    }
}
