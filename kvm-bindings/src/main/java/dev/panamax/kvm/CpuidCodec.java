package dev.panamax.kvm;

import dev.panamax.kvm.sys.kvm_cpuid2;
import dev.panamax.kvm.sys.kvm_cpuid_entry2;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/** Converts between {@code struct kvm_cpuid2} (header + entries) and {@link CpuidEntry} lists. */
final class CpuidCodec {
    private CpuidCodec() {}

    static MemorySegment allocate(Arena arena, int capacity) {
        MemorySegment s = arena.allocate(kvm_cpuid2.LAYOUT.byteSize() + capacity * kvm_cpuid_entry2.LAYOUT.byteSize(),
                kvm_cpuid2.LAYOUT.byteAlignment());
        kvm_cpuid2.nent(s, capacity);
        return s;
    }

    static MemorySegment encode(Arena arena, List<CpuidEntry> entries) {
        MemorySegment s = allocate(arena, entries.size());
        for (int i = 0; i < entries.size(); i++) {
            CpuidEntry e = entries.get(i);
            MemorySegment x = entry(s, i);
            kvm_cpuid_entry2.function(x, e.function());
            kvm_cpuid_entry2.index(x, e.index());
            kvm_cpuid_entry2.flags(x, e.flags());
            kvm_cpuid_entry2.eax(x, e.eax());
            kvm_cpuid_entry2.ebx(x, e.ebx());
            kvm_cpuid_entry2.ecx(x, e.ecx());
            kvm_cpuid_entry2.edx(x, e.edx());
        }
        return s;
    }

    static List<CpuidEntry> decode(MemorySegment s) {
        int n = kvm_cpuid2.nent(s);
        List<CpuidEntry> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            MemorySegment x = entry(s, i);
            out.add(new CpuidEntry(kvm_cpuid_entry2.function(x), kvm_cpuid_entry2.index(x), kvm_cpuid_entry2.flags(x),
                    kvm_cpuid_entry2.eax(x), kvm_cpuid_entry2.ebx(x), kvm_cpuid_entry2.ecx(x), kvm_cpuid_entry2.edx(x)));
        }
        return List.copyOf(out);
    }

    private static MemorySegment entry(MemorySegment s, int i) {
        long size = kvm_cpuid_entry2.LAYOUT.byteSize();
        return s.asSlice(kvm_cpuid2.LAYOUT.byteSize() + i * size, size);
    }
}
