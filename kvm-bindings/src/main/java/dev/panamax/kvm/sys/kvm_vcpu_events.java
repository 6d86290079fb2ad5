package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_vcpu_events} from {@code <asm/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers).
 */
@SuppressWarnings("unused")
public final class kvm_vcpu_events {
    private kvm_vcpu_events() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        MemoryLayout.structLayout(
            JAVA_BYTE.withName("injected"),
            JAVA_BYTE.withName("nr"),
            JAVA_BYTE.withName("has_error_code"),
            JAVA_BYTE.withName("pending"),
            JAVA_INT.withName("error_code")).withName("exception"),
        MemoryLayout.structLayout(
            JAVA_BYTE.withName("injected"),
            JAVA_BYTE.withName("nr"),
            JAVA_BYTE.withName("soft"),
            JAVA_BYTE.withName("shadow")).withName("interrupt"),
        MemoryLayout.structLayout(
            JAVA_BYTE.withName("injected"),
            JAVA_BYTE.withName("pending"),
            JAVA_BYTE.withName("masked"),
            JAVA_BYTE.withName("pad")).withName("nmi"),
        JAVA_INT.withName("sipi_vector"),
        JAVA_INT.withName("flags"),
        MemoryLayout.structLayout(
            JAVA_BYTE.withName("smm"),
            JAVA_BYTE.withName("pending"),
            JAVA_BYTE.withName("smm_inside_nmi"),
            JAVA_BYTE.withName("latched_init")).withName("smi"),
        MemoryLayout.structLayout(
            JAVA_BYTE.withName("pending")).withName("triple_fault"),
        MemoryLayout.sequenceLayout(26, JAVA_BYTE).withName("reserved"),
        JAVA_BYTE.withName("exception_has_payload"),
        JAVA_LONG.withName("exception_payload")).withName("kvm_vcpu_events");

    /** The member {@code exception}; its accessors take the slice returned by {@code exception(MemorySegment)}. */
    public static final class exception {
        private exception() {}

        /** Layout of the member. */
        public static final GroupLayout LAYOUT = (GroupLayout) kvm_vcpu_events.LAYOUT.select(groupElement("exception"));

        private static final VarHandle injected$VH = LAYOUT.varHandle(groupElement("injected"));
        /** Byte offset of {@code injected}. */
        public static final long injected$OFFSET = LAYOUT.byteOffset(groupElement("injected"));
        /** Reads {@code injected}. */
        public static byte injected(MemorySegment struct) {
            return (byte) injected$VH.get(struct, 0L);
        }
        /** Writes {@code injected}. */
        public static void injected(MemorySegment struct, byte value) {
            injected$VH.set(struct, 0L, value);
        }

        private static final VarHandle nr$VH = LAYOUT.varHandle(groupElement("nr"));
        /** Byte offset of {@code nr}. */
        public static final long nr$OFFSET = LAYOUT.byteOffset(groupElement("nr"));
        /** Reads {@code nr}. */
        public static byte nr(MemorySegment struct) {
            return (byte) nr$VH.get(struct, 0L);
        }
        /** Writes {@code nr}. */
        public static void nr(MemorySegment struct, byte value) {
            nr$VH.set(struct, 0L, value);
        }

        private static final VarHandle has_error_code$VH = LAYOUT.varHandle(groupElement("has_error_code"));
        /** Byte offset of {@code has_error_code}. */
        public static final long has_error_code$OFFSET = LAYOUT.byteOffset(groupElement("has_error_code"));
        /** Reads {@code has_error_code}. */
        public static byte has_error_code(MemorySegment struct) {
            return (byte) has_error_code$VH.get(struct, 0L);
        }
        /** Writes {@code has_error_code}. */
        public static void has_error_code(MemorySegment struct, byte value) {
            has_error_code$VH.set(struct, 0L, value);
        }

        private static final VarHandle pending$VH = LAYOUT.varHandle(groupElement("pending"));
        /** Byte offset of {@code pending}. */
        public static final long pending$OFFSET = LAYOUT.byteOffset(groupElement("pending"));
        /** Reads {@code pending}. */
        public static byte pending(MemorySegment struct) {
            return (byte) pending$VH.get(struct, 0L);
        }
        /** Writes {@code pending}. */
        public static void pending(MemorySegment struct, byte value) {
            pending$VH.set(struct, 0L, value);
        }

        private static final VarHandle error_code$VH = LAYOUT.varHandle(groupElement("error_code"));
        /** Byte offset of {@code error_code}. */
        public static final long error_code$OFFSET = LAYOUT.byteOffset(groupElement("error_code"));
        /** Reads {@code error_code}. */
        public static int error_code(MemorySegment struct) {
            return (int) error_code$VH.get(struct, 0L);
        }
        /** Writes {@code error_code}. */
        public static void error_code(MemorySegment struct, int value) {
            error_code$VH.set(struct, 0L, value);
        }
    }

    /** Byte offset of {@code exception}. */
    public static final long exception$OFFSET = LAYOUT.byteOffset(groupElement("exception"));
    /** Slice of {@code exception}. */
    public static MemorySegment exception(MemorySegment struct) {
        return struct.asSlice(exception$OFFSET, exception.LAYOUT);
    }

    /** The member {@code interrupt}; its accessors take the slice returned by {@code interrupt(MemorySegment)}. */
    public static final class interrupt {
        private interrupt() {}

        /** Layout of the member. */
        public static final GroupLayout LAYOUT = (GroupLayout) kvm_vcpu_events.LAYOUT.select(groupElement("interrupt"));

        private static final VarHandle injected$VH = LAYOUT.varHandle(groupElement("injected"));
        /** Byte offset of {@code injected}. */
        public static final long injected$OFFSET = LAYOUT.byteOffset(groupElement("injected"));
        /** Reads {@code injected}. */
        public static byte injected(MemorySegment struct) {
            return (byte) injected$VH.get(struct, 0L);
        }
        /** Writes {@code injected}. */
        public static void injected(MemorySegment struct, byte value) {
            injected$VH.set(struct, 0L, value);
        }

        private static final VarHandle nr$VH = LAYOUT.varHandle(groupElement("nr"));
        /** Byte offset of {@code nr}. */
        public static final long nr$OFFSET = LAYOUT.byteOffset(groupElement("nr"));
        /** Reads {@code nr}. */
        public static byte nr(MemorySegment struct) {
            return (byte) nr$VH.get(struct, 0L);
        }
        /** Writes {@code nr}. */
        public static void nr(MemorySegment struct, byte value) {
            nr$VH.set(struct, 0L, value);
        }

        private static final VarHandle soft$VH = LAYOUT.varHandle(groupElement("soft"));
        /** Byte offset of {@code soft}. */
        public static final long soft$OFFSET = LAYOUT.byteOffset(groupElement("soft"));
        /** Reads {@code soft}. */
        public static byte soft(MemorySegment struct) {
            return (byte) soft$VH.get(struct, 0L);
        }
        /** Writes {@code soft}. */
        public static void soft(MemorySegment struct, byte value) {
            soft$VH.set(struct, 0L, value);
        }

        private static final VarHandle shadow$VH = LAYOUT.varHandle(groupElement("shadow"));
        /** Byte offset of {@code shadow}. */
        public static final long shadow$OFFSET = LAYOUT.byteOffset(groupElement("shadow"));
        /** Reads {@code shadow}. */
        public static byte shadow(MemorySegment struct) {
            return (byte) shadow$VH.get(struct, 0L);
        }
        /** Writes {@code shadow}. */
        public static void shadow(MemorySegment struct, byte value) {
            shadow$VH.set(struct, 0L, value);
        }
    }

    /** Byte offset of {@code interrupt}. */
    public static final long interrupt$OFFSET = LAYOUT.byteOffset(groupElement("interrupt"));
    /** Slice of {@code interrupt}. */
    public static MemorySegment interrupt(MemorySegment struct) {
        return struct.asSlice(interrupt$OFFSET, interrupt.LAYOUT);
    }

    /** The member {@code nmi}; its accessors take the slice returned by {@code nmi(MemorySegment)}. */
    public static final class nmi {
        private nmi() {}

        /** Layout of the member. */
        public static final GroupLayout LAYOUT = (GroupLayout) kvm_vcpu_events.LAYOUT.select(groupElement("nmi"));

        private static final VarHandle injected$VH = LAYOUT.varHandle(groupElement("injected"));
        /** Byte offset of {@code injected}. */
        public static final long injected$OFFSET = LAYOUT.byteOffset(groupElement("injected"));
        /** Reads {@code injected}. */
        public static byte injected(MemorySegment struct) {
            return (byte) injected$VH.get(struct, 0L);
        }
        /** Writes {@code injected}. */
        public static void injected(MemorySegment struct, byte value) {
            injected$VH.set(struct, 0L, value);
        }

        private static final VarHandle pending$VH = LAYOUT.varHandle(groupElement("pending"));
        /** Byte offset of {@code pending}. */
        public static final long pending$OFFSET = LAYOUT.byteOffset(groupElement("pending"));
        /** Reads {@code pending}. */
        public static byte pending(MemorySegment struct) {
            return (byte) pending$VH.get(struct, 0L);
        }
        /** Writes {@code pending}. */
        public static void pending(MemorySegment struct, byte value) {
            pending$VH.set(struct, 0L, value);
        }

        private static final VarHandle masked$VH = LAYOUT.varHandle(groupElement("masked"));
        /** Byte offset of {@code masked}. */
        public static final long masked$OFFSET = LAYOUT.byteOffset(groupElement("masked"));
        /** Reads {@code masked}. */
        public static byte masked(MemorySegment struct) {
            return (byte) masked$VH.get(struct, 0L);
        }
        /** Writes {@code masked}. */
        public static void masked(MemorySegment struct, byte value) {
            masked$VH.set(struct, 0L, value);
        }

        private static final VarHandle pad$VH = LAYOUT.varHandle(groupElement("pad"));
        /** Byte offset of {@code pad}. */
        public static final long pad$OFFSET = LAYOUT.byteOffset(groupElement("pad"));
        /** Reads {@code pad}. */
        public static byte pad(MemorySegment struct) {
            return (byte) pad$VH.get(struct, 0L);
        }
        /** Writes {@code pad}. */
        public static void pad(MemorySegment struct, byte value) {
            pad$VH.set(struct, 0L, value);
        }
    }

    /** Byte offset of {@code nmi}. */
    public static final long nmi$OFFSET = LAYOUT.byteOffset(groupElement("nmi"));
    /** Slice of {@code nmi}. */
    public static MemorySegment nmi(MemorySegment struct) {
        return struct.asSlice(nmi$OFFSET, nmi.LAYOUT);
    }

    private static final VarHandle sipi_vector$VH = LAYOUT.varHandle(groupElement("sipi_vector"));
    /** Byte offset of {@code sipi_vector}. */
    public static final long sipi_vector$OFFSET = LAYOUT.byteOffset(groupElement("sipi_vector"));
    /** Reads {@code sipi_vector}. */
    public static int sipi_vector(MemorySegment struct) {
        return (int) sipi_vector$VH.get(struct, 0L);
    }
    /** Writes {@code sipi_vector}. */
    public static void sipi_vector(MemorySegment struct, int value) {
        sipi_vector$VH.set(struct, 0L, value);
    }

    private static final VarHandle flags$VH = LAYOUT.varHandle(groupElement("flags"));
    /** Byte offset of {@code flags}. */
    public static final long flags$OFFSET = LAYOUT.byteOffset(groupElement("flags"));
    /** Reads {@code flags}. */
    public static int flags(MemorySegment struct) {
        return (int) flags$VH.get(struct, 0L);
    }
    /** Writes {@code flags}. */
    public static void flags(MemorySegment struct, int value) {
        flags$VH.set(struct, 0L, value);
    }

    /** The member {@code smi}; its accessors take the slice returned by {@code smi(MemorySegment)}. */
    public static final class smi {
        private smi() {}

        /** Layout of the member. */
        public static final GroupLayout LAYOUT = (GroupLayout) kvm_vcpu_events.LAYOUT.select(groupElement("smi"));

        private static final VarHandle smm$VH = LAYOUT.varHandle(groupElement("smm"));
        /** Byte offset of {@code smm}. */
        public static final long smm$OFFSET = LAYOUT.byteOffset(groupElement("smm"));
        /** Reads {@code smm}. */
        public static byte smm(MemorySegment struct) {
            return (byte) smm$VH.get(struct, 0L);
        }
        /** Writes {@code smm}. */
        public static void smm(MemorySegment struct, byte value) {
            smm$VH.set(struct, 0L, value);
        }

        private static final VarHandle pending$VH = LAYOUT.varHandle(groupElement("pending"));
        /** Byte offset of {@code pending}. */
        public static final long pending$OFFSET = LAYOUT.byteOffset(groupElement("pending"));
        /** Reads {@code pending}. */
        public static byte pending(MemorySegment struct) {
            return (byte) pending$VH.get(struct, 0L);
        }
        /** Writes {@code pending}. */
        public static void pending(MemorySegment struct, byte value) {
            pending$VH.set(struct, 0L, value);
        }

        private static final VarHandle smm_inside_nmi$VH = LAYOUT.varHandle(groupElement("smm_inside_nmi"));
        /** Byte offset of {@code smm_inside_nmi}. */
        public static final long smm_inside_nmi$OFFSET = LAYOUT.byteOffset(groupElement("smm_inside_nmi"));
        /** Reads {@code smm_inside_nmi}. */
        public static byte smm_inside_nmi(MemorySegment struct) {
            return (byte) smm_inside_nmi$VH.get(struct, 0L);
        }
        /** Writes {@code smm_inside_nmi}. */
        public static void smm_inside_nmi(MemorySegment struct, byte value) {
            smm_inside_nmi$VH.set(struct, 0L, value);
        }

        private static final VarHandle latched_init$VH = LAYOUT.varHandle(groupElement("latched_init"));
        /** Byte offset of {@code latched_init}. */
        public static final long latched_init$OFFSET = LAYOUT.byteOffset(groupElement("latched_init"));
        /** Reads {@code latched_init}. */
        public static byte latched_init(MemorySegment struct) {
            return (byte) latched_init$VH.get(struct, 0L);
        }
        /** Writes {@code latched_init}. */
        public static void latched_init(MemorySegment struct, byte value) {
            latched_init$VH.set(struct, 0L, value);
        }
    }

    /** Byte offset of {@code smi}. */
    public static final long smi$OFFSET = LAYOUT.byteOffset(groupElement("smi"));
    /** Slice of {@code smi}. */
    public static MemorySegment smi(MemorySegment struct) {
        return struct.asSlice(smi$OFFSET, smi.LAYOUT);
    }

    /** The member {@code triple_fault}; its accessors take the slice returned by {@code triple_fault(MemorySegment)}. */
    public static final class triple_fault {
        private triple_fault() {}

        /** Layout of the member. */
        public static final GroupLayout LAYOUT = (GroupLayout) kvm_vcpu_events.LAYOUT.select(groupElement("triple_fault"));

        private static final VarHandle pending$VH = LAYOUT.varHandle(groupElement("pending"));
        /** Byte offset of {@code pending}. */
        public static final long pending$OFFSET = LAYOUT.byteOffset(groupElement("pending"));
        /** Reads {@code pending}. */
        public static byte pending(MemorySegment struct) {
            return (byte) pending$VH.get(struct, 0L);
        }
        /** Writes {@code pending}. */
        public static void pending(MemorySegment struct, byte value) {
            pending$VH.set(struct, 0L, value);
        }
    }

    /** Byte offset of {@code triple_fault}. */
    public static final long triple_fault$OFFSET = LAYOUT.byteOffset(groupElement("triple_fault"));
    /** Slice of {@code triple_fault}. */
    public static MemorySegment triple_fault(MemorySegment struct) {
        return struct.asSlice(triple_fault$OFFSET, triple_fault.LAYOUT);
    }

    /** Byte offset of {@code reserved}. */
    public static final long reserved$OFFSET = LAYOUT.byteOffset(groupElement("reserved"));
    /** Slice of {@code reserved}. */
    public static MemorySegment reserved(MemorySegment struct) {
        return struct.asSlice(reserved$OFFSET, LAYOUT.select(groupElement("reserved")).byteSize());
    }

    private static final VarHandle exception_has_payload$VH = LAYOUT.varHandle(groupElement("exception_has_payload"));
    /** Byte offset of {@code exception_has_payload}. */
    public static final long exception_has_payload$OFFSET = LAYOUT.byteOffset(groupElement("exception_has_payload"));
    /** Reads {@code exception_has_payload}. */
    public static byte exception_has_payload(MemorySegment struct) {
        return (byte) exception_has_payload$VH.get(struct, 0L);
    }
    /** Writes {@code exception_has_payload}. */
    public static void exception_has_payload(MemorySegment struct, byte value) {
        exception_has_payload$VH.set(struct, 0L, value);
    }

    private static final VarHandle exception_payload$VH = LAYOUT.varHandle(groupElement("exception_payload"));
    /** Byte offset of {@code exception_payload}. */
    public static final long exception_payload$OFFSET = LAYOUT.byteOffset(groupElement("exception_payload"));
    /** Reads {@code exception_payload}. */
    public static long exception_payload(MemorySegment struct) {
        return (long) exception_payload$VH.get(struct, 0L);
    }
    /** Writes {@code exception_payload}. */
    public static void exception_payload(MemorySegment struct, long value) {
        exception_payload$VH.set(struct, 0L, value);
    }

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
