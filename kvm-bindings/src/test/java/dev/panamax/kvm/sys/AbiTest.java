package dev.panamax.kvm.sys;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.SequenceLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves the Java bindings against the real headers: from every struct layout in this package
 * (found by scanning the compiled classes, so a new binding cannot be forgotten) it writes a C
 * file that prints sizeof/offsetof of each member, plus every macro in {@code kvm_h}, the libc
 * constants and the errno codes; gcc compiles it against the installed headers and the printed
 * values must equal the Java ones.
 */
class AbiTest {
    private static List<GroupLayout> structs;

    @BeforeAll
    static void findBoundStructs() throws IOException, URISyntaxException, ReflectiveOperationException {
        Path dir = Path.of(kvm_regs.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("dev/panamax/kvm/sys");
        structs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (!name.endsWith(".class") || name.contains("$")) {
                    continue;
                }
                Class<?> c = Class.forName("dev.panamax.kvm.sys." + name.replace(".class", ""));
                try {
                    Field layout = c.getField("LAYOUT");
                    structs.add((GroupLayout) layout.get(null));
                } catch (NoSuchFieldException notAStruct) {
                    // header, libc or helper class
                }
            }
        }
    }

    @Test
    void everyStructTheIssueNamesIsBound() {
        assertThat(structs).extracting(l -> l.name().orElseThrow()).contains(
                "kvm_run", "kvm_regs", "kvm_sregs", "kvm_segment", "kvm_dtable", "kvm_fpu", "kvm_msrs",
                "kvm_msr_entry", "kvm_cpuid2", "kvm_cpuid_entry2", "kvm_userspace_memory_region", "kvm_irqfd",
                "kvm_ioeventfd", "kvm_irq_level", "kvm_pit_config", "kvm_lapic_state", "kvm_mp_state",
                "kvm_vcpu_events", "kvm_dirty_log", "kvm_clock_data", "epoll_event", "sigaction", "ifreq", "flock", "sock_filter", "sock_fprog", "seccomp_data", "termios",
                // snapshots (issue 14)
                "kvm_xsave", "kvm_xcrs", "kvm_xcr", "kvm_debugregs", "kvm_irqchip", "kvm_pit_state2",
                "kvm_pit_channel_state", "kvm_msr_list");
    }

    @Test
    void layoutsConstantsAndErrnoMatchTheInstalledHeaders(@TempDir Path tmp) throws Exception {
        Map<String, Long> expected = new LinkedHashMap<>();
        StringBuilder c = new StringBuilder("""
                #define _GNU_SOURCE
                #include <stdio.h>
                #include <time.h>
                #include <signal.h>
                #include <stddef.h>
                #include <errno.h>
                #include <fcntl.h>
                #include <sys/mman.h>
                #include <sys/epoll.h>
                #include <sys/eventfd.h>
                #include <net/if.h>
                #include <linux/if_tun.h>
                #include <linux/kvm.h>
                #include <termios.h>
                #include <sys/prctl.h>
                #include <sys/syscall.h>
                #include <linux/filter.h>
                #include <linux/seccomp.h>
                #include <linux/audit.h>
                #define P(k, v) printf("%s %lld\\n", k, (long long)(v))
                int main(void) {
                """);
        for (GroupLayout s : structs) {
            String type = "struct " + s.name().orElseThrow();
            String key = s.name().orElseThrow();
            expected.put("sizeof " + key, s.byteSize());
            c.append("P(\"sizeof ").append(key).append("\", sizeof(").append(type).append("));\n");
            members(s, type, key, "", 0, expected, c);
        }
        constants(kvm_h.class, "KVM", expected, c);
        constants(Libc.class, "", expected, c);
        constants(if_tun_h.class, "", expected, c);
        constants(seccomp_h.class, "", expected, c);
        for (Errno e : Errno.values()) {
            expected.put("errno " + e.name(), (long) e.code());
            c.append("P(\"errno ").append(e.name()).append("\", ").append(e.name()).append(");\n");
        }
        c.append("return 0;\n}\n");

        Path source = tmp.resolve("abi.c");
        Path binary = tmp.resolve("abi");
        Files.writeString(source, c);
        run(tmp, "gcc", "-Wall", "-Werror", "-o", binary.toString(), source.toString());
        Map<String, Long> actual = new LinkedHashMap<>();
        for (String line : run(tmp, binary.toString()).split("\n")) {
            int space = line.lastIndexOf(' ');
            actual.put(line.substring(0, space), Long.parseLong(line.substring(space + 1)));
        }

        Map<String, String> mismatches = new LinkedHashMap<>();
        expected.forEach((k, v) -> {
            if (!v.equals(actual.get(k))) {
                mismatches.put(k, "java " + v + ", C " + actual.get(k));
            }
        });
        assertThat(expected).hasSizeGreaterThan(300);
        assertThat(mismatches).as("Java bindings that differ from the headers").isEmpty();
        assertThat(actual).hasSameSizeAs(expected);
    }

    /** Emits offsetof/sizeof checks for each named member; unnamed ($anon) groups are C's anonymous unions. */
    private static void members(GroupLayout group, String type, String key, String prefix, long base,
                                Map<String, Long> expected, StringBuilder c) {
        for (MemoryLayout m : group.memberLayouts()) {
            if (m.name().isEmpty()) {
                continue; // padding
            }
            long offset = base + group.byteOffset(MemoryLayout.PathElement.groupElement(m.name().get()));
            if (m.name().get().startsWith("$anon")) {
                members((GroupLayout) m, type, key, prefix, offset, expected, c);
                continue;
            }
            String path = prefix + m.name().get();
            expected.put("offsetof " + key + "." + path, offset);
            c.append("P(\"offsetof ").append(key).append('.').append(path).append("\", offsetof(").append(type)
                    .append(", ").append(path).append("));\n");
            boolean flexibleArray = m instanceof SequenceLayout seq && seq.elementCount() == 0;
            if (!flexibleArray) {
                expected.put("sizeof " + key + "." + path, m.byteSize());
                c.append("P(\"sizeof ").append(key).append('.').append(path).append("\", sizeof(((").append(type)
                        .append(" *)0)->").append(path).append("));\n");
            }
            if (m instanceof GroupLayout g) {
                members(g, type, key, path + ".", offset, expected, c);
            }
        }
    }

    private static void constants(Class<?> holder, String prefix, Map<String, Long> expected, StringBuilder c)
            throws IllegalAccessException {
        for (Field f : holder.getFields()) {
            int mod = f.getModifiers();
            boolean number = f.getType() == int.class || f.getType() == long.class;
            if (Modifier.isStatic(mod) && Modifier.isFinal(mod) && number && f.getName().startsWith(prefix)) {
                expected.put("macro " + f.getName(), ((Number) f.get(null)).longValue());
                c.append("P(\"macro ").append(f.getName()).append("\", ").append(f.getName()).append(");\n");
            }
        }
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s failed:%n%s", String.join(" ", command), out).isZero();
        return out;
    }
}
