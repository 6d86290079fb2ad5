package dev.panamax.vcpu;

import java.util.LinkedHashMap;
import java.util.Map;

/** The model-specific registers every vCPU starts with (the values Firecracker uses). */
final class BootMsrs {
    private BootMsrs() {}

    static final int IA32_TSC = 0x10;
    static final int IA32_SYSENTER_CS = 0x174;
    static final int IA32_SYSENTER_ESP = 0x175;
    static final int IA32_SYSENTER_EIP = 0x176;
    static final int IA32_MISC_ENABLE = 0x1a0;
    static final int IA32_MTRR_DEF_TYPE = 0x2ff;
    static final int STAR = 0xc000_0081;
    static final int LSTAR = 0xc000_0082;
    static final int CSTAR = 0xc000_0083;
    static final int SYSCALL_MASK = 0xc000_0084;
    static final int KERNEL_GS_BASE = 0xc000_0102;

    private static final long MISC_ENABLE_FAST_STRING = 1;
    private static final long MTRR_ENABLE = 1 << 11;
    private static final long MTRR_MEM_TYPE_WB = 6;

    static Map<Integer, Long> entries() {
        Map<Integer, Long> msrs = new LinkedHashMap<>();
        for (int zeroed : new int[] {IA32_SYSENTER_CS, IA32_SYSENTER_ESP, IA32_SYSENTER_EIP, STAR, CSTAR,
                KERNEL_GS_BASE, SYSCALL_MASK, LSTAR, IA32_TSC}) {
            msrs.put(zeroed, 0L);
        }
        msrs.put(IA32_MISC_ENABLE, MISC_ENABLE_FAST_STRING);
        msrs.put(IA32_MTRR_DEF_TYPE, MTRR_ENABLE | MTRR_MEM_TYPE_WB);
        return msrs;
    }
}
