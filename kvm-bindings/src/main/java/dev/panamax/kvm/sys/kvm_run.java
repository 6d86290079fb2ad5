package dev.panamax.kvm.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct kvm_run} from {@code <linux/kvm.h>}, jextract-style (regenerate with
 * scripts/jextract-bindings.sh; AbiTest checks it against the installed headers). The vCPU's shared run structure, mmap'd from the vCPU fd.
 */
@SuppressWarnings("unused")
public final class kvm_run {
    private kvm_run() {}

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_BYTE.withName("request_interrupt_window"),
        JAVA_BYTE.withName("immediate_exit"),
        MemoryLayout.sequenceLayout(6, JAVA_BYTE).withName("padding1"),
        JAVA_INT.withName("exit_reason"),
        JAVA_BYTE.withName("ready_for_interrupt_injection"),
        JAVA_BYTE.withName("if_flag"),
        JAVA_SHORT.withName("flags"),
        JAVA_LONG.withName("cr8"),
        JAVA_LONG.withName("apic_base"),
        MemoryLayout.unionLayout(
            MemoryLayout.structLayout(
                JAVA_LONG.withName("hardware_exit_reason")).withName("hw"),
            MemoryLayout.structLayout(
                JAVA_LONG.withName("hardware_entry_failure_reason"),
                JAVA_INT.withName("cpu"),
                MemoryLayout.paddingLayout(4)).withName("fail_entry"),
            MemoryLayout.structLayout(
                JAVA_INT.withName("exception"),
                JAVA_INT.withName("error_code")).withName("ex"),
            MemoryLayout.structLayout(
                JAVA_BYTE.withName("direction"),
                JAVA_BYTE.withName("size"),
                JAVA_SHORT.withName("port"),
                JAVA_INT.withName("count"),
                JAVA_LONG.withName("data_offset")).withName("io"),
            MemoryLayout.structLayout(
                JAVA_LONG.withName("phys_addr"),
                MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("data"),
                JAVA_INT.withName("len"),
                JAVA_BYTE.withName("is_write"),
                MemoryLayout.paddingLayout(3)).withName("mmio"),
            MemoryLayout.structLayout(
                JAVA_INT.withName("suberror"),
                JAVA_INT.withName("ndata"),
                MemoryLayout.sequenceLayout(16, JAVA_LONG).withName("data")).withName("internal"),
            MemoryLayout.structLayout(
                JAVA_INT.withName("type"),
                JAVA_INT.withName("ndata"),
                MemoryLayout.unionLayout(
                    JAVA_LONG.withName("flags"),
                    MemoryLayout.sequenceLayout(16, JAVA_LONG).withName("data")).withName("$anon1")).withName("system_event"),
            MemoryLayout.sequenceLayout(256, JAVA_BYTE).withName("padding")).withName("$anon0"),
        JAVA_LONG.withName("kvm_valid_regs"),
        JAVA_LONG.withName("kvm_dirty_regs"),
        MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(2048, JAVA_BYTE).withName("padding")).withName("s")).withName("kvm_run");

    private static final VarHandle request_interrupt_window$VH = LAYOUT.varHandle(groupElement("request_interrupt_window"));
    /** Byte offset of {@code request_interrupt_window}. */
    public static final long request_interrupt_window$OFFSET = LAYOUT.byteOffset(groupElement("request_interrupt_window"));
    /** Reads {@code request_interrupt_window}. */
    public static byte request_interrupt_window(MemorySegment struct) {
        return (byte) request_interrupt_window$VH.get(struct, 0L);
    }
    /** Writes {@code request_interrupt_window}. */
    public static void request_interrupt_window(MemorySegment struct, byte value) {
        request_interrupt_window$VH.set(struct, 0L, value);
    }

    private static final VarHandle immediate_exit$VH = LAYOUT.varHandle(groupElement("immediate_exit"));
    /** Byte offset of {@code immediate_exit}. */
    public static final long immediate_exit$OFFSET = LAYOUT.byteOffset(groupElement("immediate_exit"));
    /** Reads {@code immediate_exit}. */
    public static byte immediate_exit(MemorySegment struct) {
        return (byte) immediate_exit$VH.get(struct, 0L);
    }
    /** Writes {@code immediate_exit}. */
    public static void immediate_exit(MemorySegment struct, byte value) {
        immediate_exit$VH.set(struct, 0L, value);
    }

    /** Byte offset of {@code padding1}. */
    public static final long padding1$OFFSET = LAYOUT.byteOffset(groupElement("padding1"));
    /** Slice of {@code padding1}. */
    public static MemorySegment padding1(MemorySegment struct) {
        return struct.asSlice(padding1$OFFSET, LAYOUT.select(groupElement("padding1")).byteSize());
    }

    private static final VarHandle exit_reason$VH = LAYOUT.varHandle(groupElement("exit_reason"));
    /** Byte offset of {@code exit_reason}. */
    public static final long exit_reason$OFFSET = LAYOUT.byteOffset(groupElement("exit_reason"));
    /** Reads {@code exit_reason}. */
    public static int exit_reason(MemorySegment struct) {
        return (int) exit_reason$VH.get(struct, 0L);
    }
    /** Writes {@code exit_reason}. */
    public static void exit_reason(MemorySegment struct, int value) {
        exit_reason$VH.set(struct, 0L, value);
    }

    private static final VarHandle ready_for_interrupt_injection$VH = LAYOUT.varHandle(groupElement("ready_for_interrupt_injection"));
    /** Byte offset of {@code ready_for_interrupt_injection}. */
    public static final long ready_for_interrupt_injection$OFFSET = LAYOUT.byteOffset(groupElement("ready_for_interrupt_injection"));
    /** Reads {@code ready_for_interrupt_injection}. */
    public static byte ready_for_interrupt_injection(MemorySegment struct) {
        return (byte) ready_for_interrupt_injection$VH.get(struct, 0L);
    }
    /** Writes {@code ready_for_interrupt_injection}. */
    public static void ready_for_interrupt_injection(MemorySegment struct, byte value) {
        ready_for_interrupt_injection$VH.set(struct, 0L, value);
    }

    private static final VarHandle if_flag$VH = LAYOUT.varHandle(groupElement("if_flag"));
    /** Byte offset of {@code if_flag}. */
    public static final long if_flag$OFFSET = LAYOUT.byteOffset(groupElement("if_flag"));
    /** Reads {@code if_flag}. */
    public static byte if_flag(MemorySegment struct) {
        return (byte) if_flag$VH.get(struct, 0L);
    }
    /** Writes {@code if_flag}. */
    public static void if_flag(MemorySegment struct, byte value) {
        if_flag$VH.set(struct, 0L, value);
    }

    private static final VarHandle flags$VH = LAYOUT.varHandle(groupElement("flags"));
    /** Byte offset of {@code flags}. */
    public static final long flags$OFFSET = LAYOUT.byteOffset(groupElement("flags"));
    /** Reads {@code flags}. */
    public static short flags(MemorySegment struct) {
        return (short) flags$VH.get(struct, 0L);
    }
    /** Writes {@code flags}. */
    public static void flags(MemorySegment struct, short value) {
        flags$VH.set(struct, 0L, value);
    }

    private static final VarHandle cr8$VH = LAYOUT.varHandle(groupElement("cr8"));
    /** Byte offset of {@code cr8}. */
    public static final long cr8$OFFSET = LAYOUT.byteOffset(groupElement("cr8"));
    /** Reads {@code cr8}. */
    public static long cr8(MemorySegment struct) {
        return (long) cr8$VH.get(struct, 0L);
    }
    /** Writes {@code cr8}. */
    public static void cr8(MemorySegment struct, long value) {
        cr8$VH.set(struct, 0L, value);
    }

    private static final VarHandle apic_base$VH = LAYOUT.varHandle(groupElement("apic_base"));
    /** Byte offset of {@code apic_base}. */
    public static final long apic_base$OFFSET = LAYOUT.byteOffset(groupElement("apic_base"));
    /** Reads {@code apic_base}. */
    public static long apic_base(MemorySegment struct) {
        return (long) apic_base$VH.get(struct, 0L);
    }
    /** Writes {@code apic_base}. */
    public static void apic_base(MemorySegment struct, long value) {
        apic_base$VH.set(struct, 0L, value);
    }

    /** The member {@code hw}; its accessors take the slice returned by {@code hw(MemorySegment)}. */
    public static final class hw {
        private hw() {}

        /** Layout of the member. */
        public static final GroupLayout LAYOUT = (GroupLayout) kvm_run.LAYOUT.select(groupElement("$anon0"), groupElement("hw"));

        private static final VarHandle hardware_exit_reason$VH = LAYOUT.varHandle(groupElement("hardware_exit_reason"));
        /** Byte offset of {@code hardware_exit_reason}. */
        public static final long hardware_exit_reason$OFFSET = LAYOUT.byteOffset(groupElement("hardware_exit_reason"));
        /** Reads {@code hardware_exit_reason}. */
        public static long hardware_exit_reason(MemorySegment struct) {
            return (long) hardware_exit_reason$VH.get(struct, 0L);
        }
        /** Writes {@code hardware_exit_reason}. */
        public static void hardware_exit_reason(MemorySegment struct, long value) {
            hardware_exit_reason$VH.set(struct, 0L, value);
        }
    }

    /** Byte offset of {@code hw}. */
    public static final long hw$OFFSET = LAYOUT.byteOffset(groupElement("$anon0"), groupElement("hw"));
    /** Slice of {@code hw}. */
    public static MemorySegment hw(MemorySegment struct) {
        return struct.asSlice(hw$OFFSET, hw.LAYOUT);
    }

    /** The member {@code fail_entry}; its accessors take the slice returned by {@code fail_entry(MemorySegment)}. */
    public static final class fail_entry {
        private fail_entry() {}

        /** Layout of the member. */
        public static final GroupLayout LAYOUT = (GroupLayout) kvm_run.LAYOUT.select(groupElement("$anon0"), groupElement("fail_entry"));

        private static final VarHandle hardware_entry_failure_reason$VH = LAYOUT.varHandle(groupElement("hardware_entry_failure_reason"));
        /** Byte offset of {@code hardware_entry_failure_reason}. */
        public static final long hardware_entry_failure_reason$OFFSET = LAYOUT.byteOffset(groupElement("hardware_entry_failure_reason"));
        /** Reads {@code hardware_entry_failure_reason}. */
        public static long hardware_entry_failure_reason(MemorySegment struct) {
            return (long) hardware_entry_failure_reason$VH.get(struct, 0L);
        }
        /** Writes {@code hardware_entry_failure_reason}. */
        public static void hardware_entry_failure_reason(MemorySegment struct, long value) {
            hardware_entry_failure_reason$VH.set(struct, 0L, value);
        }

        private static final VarHandle cpu$VH = LAYOUT.varHandle(groupElement("cpu"));
        /** Byte offset of {@code cpu}. */
        public static final long cpu$OFFSET = LAYOUT.byteOffset(groupElement("cpu"));
        /** Reads {@code cpu}. */
        public static int cpu(MemorySegment struct) {
            return (int) cpu$VH.get(struct, 0L);
        }
        /** Writes {@code cpu}. */
        public static void cpu(MemorySegment struct, int value) {
            cpu$VH.set(struct, 0L, value);
        }
    }

    /** Byte offset of {@code fail_entry}. */
    public static final long fail_entry$OFFSET = LAYOUT.byteOffset(groupElement("$anon0"), groupElement("fail_entry"));
    /** Slice of {@code fail_entry}. */
    public static MemorySegment fail_entry(MemorySegment struct) {
        return struct.asSlice(fail_entry$OFFSET, fail_entry.LAYOUT);
    }

    /** The member {@code ex}; its accessors take the slice returned by {@code ex(MemorySegment)}. */
    public static final class ex {
        private ex() {}

        /** Layout of the member. */
        public static final GroupLayout LAYOUT = (GroupLayout) kvm_run.LAYOUT.select(groupElement("$anon0"), groupElement("ex"));

        private static final VarHandle exception$VH = LAYOUT.varHandle(groupElement("exception"));
        /** Byte offset of {@code exception}. */
        public static final long exception$OFFSET = LAYOUT.byteOffset(groupElement("exception"));
        /** Reads {@code exception}. */
        public static int exception(MemorySegment struct) {
            return (int) exception$VH.get(struct, 0L);
        }
        /** Writes {@code exception}. */
        public static void exception(MemorySegment struct, int value) {
            exception$VH.set(struct, 0L, value);
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

    /** Byte offset of {@code ex}. */
    public static final long ex$OFFSET = LAYOUT.byteOffset(groupElement("$anon0"), groupElement("ex"));
    /** Slice of {@code ex}. */
    public static MemorySegment ex(MemorySegment struct) {
        return struct.asSlice(ex$OFFSET, ex.LAYOUT);
    }

    /** The member {@code io}; its accessors take the slice returned by {@code io(MemorySegment)}. */
    public static final class io {
        private io() {}

        /** Layout of the member. */
        public static final GroupLayout LAYOUT = (GroupLayout) kvm_run.LAYOUT.select(groupElement("$anon0"), groupElement("io"));

        private static final VarHandle direction$VH = LAYOUT.varHandle(groupElement("direction"));
        /** Byte offset of {@code direction}. */
        public static final long direction$OFFSET = LAYOUT.byteOffset(groupElement("direction"));
        /** Reads {@code direction}. */
        public static byte direction(MemorySegment struct) {
            return (byte) direction$VH.get(struct, 0L);
        }
        /** Writes {@code direction}. */
        public static void direction(MemorySegment struct, byte value) {
            direction$VH.set(struct, 0L, value);
        }

        private static final VarHandle size$VH = LAYOUT.varHandle(groupElement("size"));
        /** Byte offset of {@code size}. */
        public static final long size$OFFSET = LAYOUT.byteOffset(groupElement("size"));
        /** Reads {@code size}. */
        public static byte size(MemorySegment struct) {
            return (byte) size$VH.get(struct, 0L);
        }
        /** Writes {@code size}. */
        public static void size(MemorySegment struct, byte value) {
            size$VH.set(struct, 0L, value);
        }

        private static final VarHandle port$VH = LAYOUT.varHandle(groupElement("port"));
        /** Byte offset of {@code port}. */
        public static final long port$OFFSET = LAYOUT.byteOffset(groupElement("port"));
        /** Reads {@code port}. */
        public static short port(MemorySegment struct) {
            return (short) port$VH.get(struct, 0L);
        }
        /** Writes {@code port}. */
        public static void port(MemorySegment struct, short value) {
            port$VH.set(struct, 0L, value);
        }

        private static final VarHandle count$VH = LAYOUT.varHandle(groupElement("count"));
        /** Byte offset of {@code count}. */
        public static final long count$OFFSET = LAYOUT.byteOffset(groupElement("count"));
        /** Reads {@code count}. */
        public static int count(MemorySegment struct) {
            return (int) count$VH.get(struct, 0L);
        }
        /** Writes {@code count}. */
        public static void count(MemorySegment struct, int value) {
            count$VH.set(struct, 0L, value);
        }

        private static final VarHandle data_offset$VH = LAYOUT.varHandle(groupElement("data_offset"));
        /** Byte offset of {@code data_offset}. */
        public static final long data_offset$OFFSET = LAYOUT.byteOffset(groupElement("data_offset"));
        /** Reads {@code data_offset}. */
        public static long data_offset(MemorySegment struct) {
            return (long) data_offset$VH.get(struct, 0L);
        }
        /** Writes {@code data_offset}. */
        public static void data_offset(MemorySegment struct, long value) {
            data_offset$VH.set(struct, 0L, value);
        }
    }

    /** Byte offset of {@code io}. */
    public static final long io$OFFSET = LAYOUT.byteOffset(groupElement("$anon0"), groupElement("io"));
    /** Slice of {@code io}. */
    public static MemorySegment io(MemorySegment struct) {
        return struct.asSlice(io$OFFSET, io.LAYOUT);
    }

    /** The member {@code mmio}; its accessors take the slice returned by {@code mmio(MemorySegment)}. */
    public static final class mmio {
        private mmio() {}

        /** Layout of the member. */
        public static final GroupLayout LAYOUT = (GroupLayout) kvm_run.LAYOUT.select(groupElement("$anon0"), groupElement("mmio"));

        private static final VarHandle phys_addr$VH = LAYOUT.varHandle(groupElement("phys_addr"));
        /** Byte offset of {@code phys_addr}. */
        public static final long phys_addr$OFFSET = LAYOUT.byteOffset(groupElement("phys_addr"));
        /** Reads {@code phys_addr}. */
        public static long phys_addr(MemorySegment struct) {
            return (long) phys_addr$VH.get(struct, 0L);
        }
        /** Writes {@code phys_addr}. */
        public static void phys_addr(MemorySegment struct, long value) {
            phys_addr$VH.set(struct, 0L, value);
        }

        /** Byte offset of {@code data}. */
        public static final long data$OFFSET = LAYOUT.byteOffset(groupElement("data"));
        /** Slice of {@code data}. */
        public static MemorySegment data(MemorySegment struct) {
            return struct.asSlice(data$OFFSET, LAYOUT.select(groupElement("data")).byteSize());
        }

        private static final VarHandle len$VH = LAYOUT.varHandle(groupElement("len"));
        /** Byte offset of {@code len}. */
        public static final long len$OFFSET = LAYOUT.byteOffset(groupElement("len"));
        /** Reads {@code len}. */
        public static int len(MemorySegment struct) {
            return (int) len$VH.get(struct, 0L);
        }
        /** Writes {@code len}. */
        public static void len(MemorySegment struct, int value) {
            len$VH.set(struct, 0L, value);
        }

        private static final VarHandle is_write$VH = LAYOUT.varHandle(groupElement("is_write"));
        /** Byte offset of {@code is_write}. */
        public static final long is_write$OFFSET = LAYOUT.byteOffset(groupElement("is_write"));
        /** Reads {@code is_write}. */
        public static byte is_write(MemorySegment struct) {
            return (byte) is_write$VH.get(struct, 0L);
        }
        /** Writes {@code is_write}. */
        public static void is_write(MemorySegment struct, byte value) {
            is_write$VH.set(struct, 0L, value);
        }
    }

    /** Byte offset of {@code mmio}. */
    public static final long mmio$OFFSET = LAYOUT.byteOffset(groupElement("$anon0"), groupElement("mmio"));
    /** Slice of {@code mmio}. */
    public static MemorySegment mmio(MemorySegment struct) {
        return struct.asSlice(mmio$OFFSET, mmio.LAYOUT);
    }

    /** The member {@code internal}; its accessors take the slice returned by {@code internal(MemorySegment)}. */
    public static final class internal {
        private internal() {}

        /** Layout of the member. */
        public static final GroupLayout LAYOUT = (GroupLayout) kvm_run.LAYOUT.select(groupElement("$anon0"), groupElement("internal"));

        private static final VarHandle suberror$VH = LAYOUT.varHandle(groupElement("suberror"));
        /** Byte offset of {@code suberror}. */
        public static final long suberror$OFFSET = LAYOUT.byteOffset(groupElement("suberror"));
        /** Reads {@code suberror}. */
        public static int suberror(MemorySegment struct) {
            return (int) suberror$VH.get(struct, 0L);
        }
        /** Writes {@code suberror}. */
        public static void suberror(MemorySegment struct, int value) {
            suberror$VH.set(struct, 0L, value);
        }

        private static final VarHandle ndata$VH = LAYOUT.varHandle(groupElement("ndata"));
        /** Byte offset of {@code ndata}. */
        public static final long ndata$OFFSET = LAYOUT.byteOffset(groupElement("ndata"));
        /** Reads {@code ndata}. */
        public static int ndata(MemorySegment struct) {
            return (int) ndata$VH.get(struct, 0L);
        }
        /** Writes {@code ndata}. */
        public static void ndata(MemorySegment struct, int value) {
            ndata$VH.set(struct, 0L, value);
        }

        /** Byte offset of {@code data}. */
        public static final long data$OFFSET = LAYOUT.byteOffset(groupElement("data"));
        /** Slice of {@code data}. */
        public static MemorySegment data(MemorySegment struct) {
            return struct.asSlice(data$OFFSET, LAYOUT.select(groupElement("data")).byteSize());
        }
    }

    /** Byte offset of {@code internal}. */
    public static final long internal$OFFSET = LAYOUT.byteOffset(groupElement("$anon0"), groupElement("internal"));
    /** Slice of {@code internal}. */
    public static MemorySegment internal(MemorySegment struct) {
        return struct.asSlice(internal$OFFSET, internal.LAYOUT);
    }

    /** The member {@code system_event}; its accessors take the slice returned by {@code system_event(MemorySegment)}. */
    public static final class system_event {
        private system_event() {}

        /** Layout of the member. */
        public static final GroupLayout LAYOUT = (GroupLayout) kvm_run.LAYOUT.select(groupElement("$anon0"), groupElement("system_event"));

        private static final VarHandle type$VH = LAYOUT.varHandle(groupElement("type"));
        /** Byte offset of {@code type}. */
        public static final long type$OFFSET = LAYOUT.byteOffset(groupElement("type"));
        /** Reads {@code type}. */
        public static int type(MemorySegment struct) {
            return (int) type$VH.get(struct, 0L);
        }
        /** Writes {@code type}. */
        public static void type(MemorySegment struct, int value) {
            type$VH.set(struct, 0L, value);
        }

        private static final VarHandle ndata$VH = LAYOUT.varHandle(groupElement("ndata"));
        /** Byte offset of {@code ndata}. */
        public static final long ndata$OFFSET = LAYOUT.byteOffset(groupElement("ndata"));
        /** Reads {@code ndata}. */
        public static int ndata(MemorySegment struct) {
            return (int) ndata$VH.get(struct, 0L);
        }
        /** Writes {@code ndata}. */
        public static void ndata(MemorySegment struct, int value) {
            ndata$VH.set(struct, 0L, value);
        }

        private static final VarHandle flags$VH = LAYOUT.varHandle(groupElement("$anon1"), groupElement("flags"));
        /** Byte offset of {@code flags}. */
        public static final long flags$OFFSET = LAYOUT.byteOffset(groupElement("$anon1"), groupElement("flags"));
        /** Reads {@code flags}. */
        public static long flags(MemorySegment struct) {
            return (long) flags$VH.get(struct, 0L);
        }
        /** Writes {@code flags}. */
        public static void flags(MemorySegment struct, long value) {
            flags$VH.set(struct, 0L, value);
        }

        /** Byte offset of {@code data}. */
        public static final long data$OFFSET = LAYOUT.byteOffset(groupElement("$anon1"), groupElement("data"));
        /** Slice of {@code data}. */
        public static MemorySegment data(MemorySegment struct) {
            return struct.asSlice(data$OFFSET, LAYOUT.select(groupElement("$anon1"), groupElement("data")).byteSize());
        }
    }

    /** Byte offset of {@code system_event}. */
    public static final long system_event$OFFSET = LAYOUT.byteOffset(groupElement("$anon0"), groupElement("system_event"));
    /** Slice of {@code system_event}. */
    public static MemorySegment system_event(MemorySegment struct) {
        return struct.asSlice(system_event$OFFSET, system_event.LAYOUT);
    }

    /** Byte offset of {@code padding}. */
    public static final long padding$OFFSET = LAYOUT.byteOffset(groupElement("$anon0"), groupElement("padding"));
    /** Slice of {@code padding}. */
    public static MemorySegment padding(MemorySegment struct) {
        return struct.asSlice(padding$OFFSET, LAYOUT.select(groupElement("$anon0"), groupElement("padding")).byteSize());
    }

    private static final VarHandle kvm_valid_regs$VH = LAYOUT.varHandle(groupElement("kvm_valid_regs"));
    /** Byte offset of {@code kvm_valid_regs}. */
    public static final long kvm_valid_regs$OFFSET = LAYOUT.byteOffset(groupElement("kvm_valid_regs"));
    /** Reads {@code kvm_valid_regs}. */
    public static long kvm_valid_regs(MemorySegment struct) {
        return (long) kvm_valid_regs$VH.get(struct, 0L);
    }
    /** Writes {@code kvm_valid_regs}. */
    public static void kvm_valid_regs(MemorySegment struct, long value) {
        kvm_valid_regs$VH.set(struct, 0L, value);
    }

    private static final VarHandle kvm_dirty_regs$VH = LAYOUT.varHandle(groupElement("kvm_dirty_regs"));
    /** Byte offset of {@code kvm_dirty_regs}. */
    public static final long kvm_dirty_regs$OFFSET = LAYOUT.byteOffset(groupElement("kvm_dirty_regs"));
    /** Reads {@code kvm_dirty_regs}. */
    public static long kvm_dirty_regs(MemorySegment struct) {
        return (long) kvm_dirty_regs$VH.get(struct, 0L);
    }
    /** Writes {@code kvm_dirty_regs}. */
    public static void kvm_dirty_regs(MemorySegment struct, long value) {
        kvm_dirty_regs$VH.set(struct, 0L, value);
    }

    /** The member {@code s}; its accessors take the slice returned by {@code s(MemorySegment)}. */
    public static final class s {
        private s() {}

        /** Layout of the member. */
        public static final GroupLayout LAYOUT = (GroupLayout) kvm_run.LAYOUT.select(groupElement("s"));

        /** Byte offset of {@code padding}. */
        public static final long padding$OFFSET = LAYOUT.byteOffset(groupElement("padding"));
        /** Slice of {@code padding}. */
        public static MemorySegment padding(MemorySegment struct) {
            return struct.asSlice(padding$OFFSET, LAYOUT.select(groupElement("padding")).byteSize());
        }
    }

    /** Byte offset of {@code s}. */
    public static final long s$OFFSET = LAYOUT.byteOffset(groupElement("s"));
    /** Slice of {@code s}. */
    public static MemorySegment s(MemorySegment struct) {
        return struct.asSlice(s$OFFSET, s.LAYOUT);
    }

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }
}
