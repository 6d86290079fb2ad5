package dev.panamax.launcher;

import dev.panamax.kvm.Kvm;
import dev.panamax.kvm.KvmHost;
import dev.panamax.kvm.sys.kvm_h;

import java.io.PrintStream;

/** {@code panamax --probe}: what this host's KVM is and can do, in one block whatever the answer. */
final class HostProbe {
    private HostProbe() {}

    static void print(KvmHost host, PrintStream out) {
        out.println("kvm: " + host.describe());
        out.println("boots Linux: " + (host.canBootLinux() ? "yes" : "no; " + host.remedy()));
        if (!host.canRunGuests()) {
            return;
        }
        try (Kvm kvm = Kvm.open(host.device().toString())) {
            out.println("kvm_run size: " + kvm.vcpuMmapSize() + " bytes");
            out.println("max vCPUs: " + kvm.checkExtension(kvm_h.KVM_CAP_MAX_VCPUS)
                    + ", memory slots: " + kvm.checkExtension(kvm_h.KVM_CAP_NR_MEMSLOTS));
            out.println("in-kernel irqchip: " + (kvm.checkExtension(kvm_h.KVM_CAP_IRQCHIP) > 0)
                    + ", irqfd: " + (kvm.checkExtension(kvm_h.KVM_CAP_IRQFD) > 0)
                    + ", ioeventfd: " + (kvm.checkExtension(kvm_h.KVM_CAP_IOEVENTFD) > 0)
                    + ", immediate_exit: " + (kvm.checkExtension(kvm_h.KVM_CAP_IMMEDIATE_EXIT) > 0));
            out.println("supported CPUID leaves: " + kvm.supportedCpuid().size());
        }
    }
}
