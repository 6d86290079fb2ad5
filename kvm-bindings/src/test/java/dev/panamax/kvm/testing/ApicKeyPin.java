package dev.panamax.kvm.testing;

import dev.panamax.kvm.Kvm;
import dev.panamax.kvm.VcpuFd;
import dev.panamax.kvm.VmFd;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

import java.util.Optional;

/**
 * A workaround for the nested test host, active only with the system property {@value #PROPERTY}
 * (the nested-host runner sets it): holds one VM with an in-kernel irqchip and one vCPU that
 * never runs, for the whole test run.
 *
 * <p>Why: L1's KVM counts vCPUs whose local APIC is software-disabled in a static key
 * ({@code apic_sw_disabled}); a vCPU's creation takes it from 0 to 1 and its guest's enabling
 * the APIC takes it back to 0 a second later, and each of those flips live-patches L1's kernel
 * text (int3 breakpoints, then IPIs to every CPU). Nested hosts froze at a VM's start with an
 * L1 CPU in the int3 handler; an L1 CPU inside the emulated guest mode that does not take the
 * IPI would explain it. With this vCPU's APIC never enabled, the count never returns to 0, so
 * the guests the tests boot never flip the key.
 */
public final class ApicKeyPin implements TestExecutionListener {
    /** System property that turns the pin on. */
    public static final String PROPERTY = "panamax.nested.pin-apic-key";

    private Held held;

    /** The idle vCPU, holding the key while open; closing lets it go. */
    public record Held(Kvm kvm, VmFd vm, VcpuFd vcpu) implements AutoCloseable {
        @Override
        public void close() {
            vcpu.close();
            vm.close();
            kvm.close();
        }
    }

    /**
     * Creates the idle vCPU when {@value #PROPERTY} is true (benchmarks in the nested host hold
     * one too: every VM they start flips the key otherwise); empty when it is not.
     */
    public static Optional<Held> holdIfEnabled() {
        if (!Boolean.getBoolean(PROPERTY)) {
            return Optional.empty();
        }
        Kvm kvm = Kvm.open();
        VmFd vm = kvm.createVm();
        vm.createIrqchip();
        return Optional.of(new Held(kvm, vm, vm.createVcpu(0)));
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        if (held != null) {
            return;
        }
        held = holdIfEnabled().orElse(null);
        if (held != null) {
            System.out.println("[progress] pinned L1 KVM's apic_sw_disabled key with an idle vCPU");
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (held != null) {
            held.close();
            held = null;
        }
    }
}
