package dev.panamax.vcpu;

import dev.panamax.kvm.testing.RequiresKvm;
import dev.panamax.kvm.VmExit;
import dev.panamax.kvm.sys.kvm_segment;
import dev.panamax.kvm.sys.kvm_sregs;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Hand-made guests on this host's real /dev/kvm: they run, and their exits carry what they did. */
@RequiresKvm
class KvmGuestTest {
    private static final int COM1 = 0x3f8;
    private static final int MAX_EXITS = 10_000;

    @Test
    void longModeGuestWritesToTheSerialPortAndHalts() {
        byte[] code = new X86().movDx(COM1).print("Hello from long mode\n")
                .movRax(0x1122334455667788L).shrRax(32).outDxEax() // only 64-bit code gets the high half
                .hlt().bytes();
        try (LongModeGuest guest = new LongModeGuest(code, false)) {
            ByteArrayOutputStream serial = new ByteArrayOutputStream();
            List<Integer> dwords = new ArrayList<>();
            VmExit last = runUntilNotIo(guest, exit -> {
                assertThat(exit.port()).isEqualTo(COM1);
                assertThat(exit.isOut()).isTrue();
                if (exit.size() == 1) {
                    serial.write(exit.value(0));
                } else {
                    dwords.add(exit.value(0));
                }
            });
            assertThat(serial.toString()).isEqualTo("Hello from long mode\n");
            assertThat(dwords).containsExactly(0x11223344);
            assertThat(last).isEqualTo(VmExit.HLT);
        }
    }

    @Test
    void ringThreeGuestRunsAndCannotHalt() {
        byte[] code = new X86().xorEaxEax().movEcx(100).addEaxEcx().decEcx().jnzBack(4) // eax = 100 + 99 + ... + 1
                .movDx(COM1).outDxEax()
                .hlt() // privileged: #GP in ring 3, and with no IDT that is a triple fault
                .bytes();
        try (LongModeGuest guest = new LongModeGuest(code, true)) {
            List<Integer> out = new ArrayList<>();
            List<Integer> cpl = new ArrayList<>();
            VmExit last = runUntilNotIo(guest, exit -> {
                out.add(exit.value(0));
                cpl.add(currentPrivilegeLevel(guest));
            });
            assertThat(out).containsExactly(5050);
            assertThat(cpl).containsExactly(3);
            assertThat(last).isEqualTo(VmExit.SHUTDOWN);
        }
    }

    @Test
    void mmioOutsideGuestRamExitsWithAddressAndData() {
        long mmio = 0xd000_0000L;
        byte[] code = new X86().movEbx(mmio).movMemRbxImm32(0xcafef00dL)
                .movEaxMemRbx(4).movDx(COM1).outDxEax().hlt().bytes();
        try (LongModeGuest guest = new LongModeGuest(code, false)) {
            VmExit write = guest.vcpu.run();
            assertThat(write).isInstanceOfSatisfying(VmExit.Mmio.class, m -> {
                assertThat(m.address()).isEqualTo(mmio);
                assertThat(m.isWrite()).isTrue();
                assertThat(m.length()).isEqualTo(4);
                assertThat(m.value()).isEqualTo(0xcafef00dL);
            });
            VmExit read = guest.vcpu.run();
            assertThat(read).isInstanceOfSatisfying(VmExit.Mmio.class, m -> {
                assertThat(m.address()).isEqualTo(mmio + 4);
                assertThat(m.isWrite()).isFalse();
                assertThat(m.length()).isEqualTo(4);
                m.setValue(0x12345678L);
            });
            VmExit io = guest.vcpu.run();
            assertThat(io).isInstanceOfSatisfying(VmExit.Io.class, x -> assertThat(x.value(0)).isEqualTo(0x12345678));
            assertThat(guest.vcpu.run()).isEqualTo(VmExit.HLT);
            // the guest's RAM never saw the MMIO write
            assertThat(guest.memory.contains(mmio, 4)).isFalse();
        }
    }

    @Test
    void aSpinningVcpuIsKickedOutOfKvmRun() throws Exception {
        try (LongModeGuest guest = new LongModeGuest(new X86().spin().bytes(), true)) {
            java.util.concurrent.CompletableFuture<VmExit> exit = new java.util.concurrent.CompletableFuture<>();
            Thread vcpu = Thread.ofPlatform().name("vcpu-0").start(() -> {
                guest.vcpu.bindToCurrentThread();
                try {
                    exit.complete(guest.vcpu.run());
                } catch (RuntimeException e) {
                    exit.completeExceptionally(e);
                } finally {
                    guest.vcpu.unbindThread();
                }
            });
            Thread.sleep(300);
            assertThat(exit).isNotDone(); // still spinning in the guest
            guest.vcpu.kick();
            assertThat(exit.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(VmExit.INTERRUPTED);
            vcpu.join(10_000);
            // immediate_exit stays set until cleared, so a re-entry returns at once too
            assertThat(guest.vcpu.run()).isEqualTo(VmExit.INTERRUPTED);
        }
    }

    private static VmExit runUntilNotIo(LongModeGuest guest, java.util.function.Consumer<VmExit.Io> onIo) {
        for (int i = 0; i < MAX_EXITS; i++) {
            VmExit exit = guest.vcpu.run();
            if (!(exit instanceof VmExit.Io io)) {
                return exit;
            }
            onIo.accept(io);
        }
        throw new AssertionError("guest still running after " + MAX_EXITS + " exits");
    }

    private static int currentPrivilegeLevel(LongModeGuest guest) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sregs = kvm_sregs.allocate(arena);
            guest.vcpu.getSregs(sregs);
            return kvm_segment.selector(kvm_sregs.cs(sregs)) & 3;
        }
    }
}
