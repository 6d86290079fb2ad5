package dev.panamax.kvm;

import dev.panamax.kvm.Seccomp.Bpf;
import dev.panamax.kvm.Seccomp.Instruction;
import dev.panamax.kvm.sys.seccomp_h;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.panamax.kvm.sys.seccomp_h.AUDIT_ARCH_X86_64;
import static dev.panamax.kvm.sys.seccomp_h.SECCOMP_RET_ALLOW;
import static dev.panamax.kvm.sys.seccomp_h.SECCOMP_RET_KILL_PROCESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The filter twice over: its program run by a small classic-BPF interpreter here (every denied
 * number, allowed ones, other ABIs), and the real thing installed in forked JVMs: one that calls
 * execve after the install dies of SIGSYS, one that does allowed work carries on.
 */
class SeccompTest {
    /** i386's AUDIT_ARCH: what an {@code int 0x80} system call reports. */
    private static final long AUDIT_ARCH_I386 = 0x4000_0003L;
    /** SIGSYS is 31; a process a signal killed exits, as Java reports it, with 128 + the signal. */
    private static final int KILLED_BY_SIGSYS = 128 + 31;

    @Test
    void theFilterKillsEveryDeniedCallAndAllowsTheRest() {
        List<Instruction> filter = Seccomp.filter();
        for (Seccomp.Denied d : Seccomp.DENIED) {
            assertThat(run(filter, AUDIT_ARCH_X86_64, d.number())).as(d.name()).isEqualTo(SECCOMP_RET_KILL_PROCESS);
        }
        // read, write, mmap, futex, epoll_wait, ioctl, clone, clone3, exit_group: a JVM's daily bread
        for (int nr : new int[] {0, 1, 9, 202, 232, 16, 56, 435, 231}) {
            assertThat(run(filter, AUDIT_ARCH_X86_64, nr)).as("syscall %d", nr).isEqualTo(SECCOMP_RET_ALLOW);
        }
        assertThat(Seccomp.DENIED).extracting(Seccomp.Denied::name).contains("execve", "execveat", "ptrace",
                "process_vm_writev", "process_vm_readv", "mount", "umount2", "kexec_load", "kexec_file_load", "bpf",
                "init_module", "finit_module", "delete_module", "reboot", "swapon", "swapoff", "pivot_root", "chroot",
                "setns", "unshare", "keyctl", "add_key", "request_key", "perf_event_open", "userfaultfd");
    }

    @Test
    void otherAbisAreKilledWhateverTheNumber() {
        List<Instruction> filter = Seccomp.filter();
        assertThat(run(filter, AUDIT_ARCH_I386, 0)).isEqualTo(SECCOMP_RET_KILL_PROCESS);
        assertThat(run(filter, AUDIT_ARCH_I386, 11)).isEqualTo(SECCOMP_RET_KILL_PROCESS); // i386 execve
        // x32: x86_64's arch value, numbers with bit 30 set (x32 read is 0x40000000)
        assertThat(run(filter, AUDIT_ARCH_X86_64, seccomp_h.__X32_SYSCALL_BIT)).isEqualTo(SECCOMP_RET_KILL_PROCESS);
        assertThat(run(filter, AUDIT_ARCH_X86_64, seccomp_h.__X32_SYSCALL_BIT | 520)).isEqualTo(SECCOMP_RET_KILL_PROCESS);
    }

    @Test
    void theAssemblerResolvesLabelsForwardAndRefusesWhatCBpfCannotSay() {
        List<Instruction> code = Seccomp.assemble(List.of(
                new Bpf.Load(0),
                new Bpf.JumpIfEqual(7, "seven", Seccomp.NEXT),
                new Bpf.Return(1),
                new Bpf.Label("seven"),
                new Bpf.Return(2)));
        assertThat(code).containsExactly(
                new Instruction(0x20, 0, 0, 0),
                new Instruction(0x15, 1, 0, 7),
                new Instruction(0x06, 0, 0, 1),
                new Instruction(0x06, 0, 0, 2));
        assertThatThrownBy(() -> Seccomp.assemble(List.of(new Bpf.Label("back"), new Bpf.Load(0),
                new Bpf.JumpIfEqual(1, "back", Seccomp.NEXT)))).hasMessageContaining("not 0..255 instructions forward");
        assertThatThrownBy(() -> Seccomp.assemble(List.of(new Bpf.JumpIfEqual(1, "nowhere", Seccomp.NEXT))))
                .hasMessageContaining("nowhere is not defined");
    }

    @Test
    void aProcessThatExecsUnderTheFilterDiesOfSigsysEvenFromAThreadOlderThanTheFilter() throws Exception {
        Child c = fork("exec");
        assertThat(c.status()).as("exit status; output:%n%s", c.output()).isEqualTo(KILLED_BY_SIGSYS);
        assertThat(c.output()).doesNotContain("execve returned");
    }

    @Test
    void allowedWorkGoesOnUnderTheFilter() throws Exception {
        Child c = fork("work");
        assertThat(c.status()).as("exit status; output:%n%s", c.output()).isZero();
        assertThat(c.output()).contains("thread filtered: true").endsWith("WORKED\n");
    }

    private record Child(int status, String output) {}

    private static Child fork(String mode) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                SeccompChild.class.getName(), mode).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Child(p.exitValue(), out);
    }

    /** Runs a seccomp program over a seccomp_data of {@code arch} and {@code nr}; returns its action. */
    private static long run(List<Instruction> program, long arch, int nr) {
        int a = 0;
        for (int pc = 0; pc < program.size(); pc++) {
            Instruction in = program.get(pc);
            switch (in.code()) {
                case 0x20 -> a = switch (in.k()) {
                    case 0 -> nr;
                    case 4 -> (int) arch;
                    default -> throw new AssertionError("load of offset " + in.k());
                };
                case 0x15 -> pc += a == in.k() ? in.jt() : in.jf();
                case 0x35 -> pc += Integer.compareUnsigned(a, in.k()) >= 0 ? in.jt() : in.jf();
                case 0x06 -> {
                    return Integer.toUnsignedLong(in.k());
                }
                default -> throw new AssertionError("opcode " + in.code());
            }
        }
        throw new AssertionError("the program ran off its end");
    }
}
