package dev.panamax.kvm;

import dev.panamax.kvm.sys.kvm_h;
import dev.panamax.kvm.sys.kvm_run;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Why {@link VcpuFd#run()} returned. A closed set: callers switch over it exhaustively.
 *
 * <p>The frequent exits, {@link Io} and {@link Mmio}, are views over the vCPU's {@code kvm_run}
 * area, one instance per vCPU, reused by every exit (no allocation in the run loop); they are
 * valid until the next {@code run()}. Exits without data are the constants below.
 */
public sealed interface VmExit {
    /** The guest executed HLT with no in-kernel irqchip to wait in. */
    Hlt HLT = new Hlt();
    /** Triple fault (or another shutdown condition): the vCPU cannot continue. */
    Shutdown SHUTDOWN = new Shutdown();
    /** KVM_RUN returned early: a signal, {@code immediate_exit}, or KVM_EXIT_INTR. */
    Interrupted INTERRUPTED = new Interrupted();
    /** The guest can take an interrupt now (requested with request_interrupt_window). */
    IrqWindowOpen IRQ_WINDOW_OPEN = new IrqWindowOpen();

    record Hlt() implements VmExit {}

    record Shutdown() implements VmExit {}

    record Interrupted() implements VmExit {}

    record IrqWindowOpen() implements VmExit {}

    /** The hardware refused to enter the guest (bad vCPU state). */
    record FailEntry(long hardwareReason, int cpu) implements VmExit {}

    /** KVM could not handle an exit itself, e.g. an instruction its emulator lacks. */
    record InternalError(int suberror, List<Long> data) implements VmExit {
        public boolean isEmulationFailure() {
            return suberror == kvm_h.KVM_INTERNAL_ERROR_EMULATION;
        }
    }

    /** A platform event: {@code type} is one of {@code KVM_SYSTEM_EVENT_*} (shutdown, reset, crash). */
    record SystemEvent(int type) implements VmExit {}

    /** An exit reason this VMM does not handle. */
    record Unknown(int reason, long hardwareReason) implements VmExit {}

    /** Port I/O: an IN or OUT of {@link #size()} bytes, {@link #count()} times (REP INS/OUTS). */
    final class Io implements VmExit {
        private final MemorySegment run;
        private final long io;

        Io(MemorySegment run) {
            this.run = run;
            this.io = kvm_run.io$OFFSET;
        }

        public int port() {
            return Short.toUnsignedInt(run.get(JAVA_SHORT, io + kvm_run.io.port$OFFSET));
        }

        public boolean isOut() {
            return run.get(JAVA_BYTE, io + kvm_run.io.direction$OFFSET) == kvm_h.KVM_EXIT_IO_OUT;
        }

        /** Access width: 1, 2 or 4 bytes. */
        public int size() {
            return run.get(JAVA_BYTE, io + kvm_run.io.size$OFFSET);
        }

        public int count() {
            return run.get(JAVA_INT, io + kvm_run.io.count$OFFSET);
        }

        /** The {@code index}-th value an OUT wrote. */
        public int value(int index) {
            return (int) Bytes.readLe(run, dataOffset() + (long) index * size(), size());
        }

        /** Sets the {@code index}-th value an IN reads. */
        public void setValue(int index, int value) {
            Bytes.writeLe(run, dataOffset() + (long) index * size(), size(), value);
        }

        private long dataOffset() {
            return run.get(JAVA_LONG, io + kvm_run.io.data_offset$OFFSET);
        }

        @Override
        public String toString() {
            return "Io[port=0x" + Integer.toHexString(port()) + ", " + (isOut() ? "out" : "in") + ", size=" + size()
                    + ", count=" + count() + "]";
        }
    }

    /** A guest access to a physical address outside every memory slot. */
    final class Mmio implements VmExit {
        private final MemorySegment run;
        private final long mmio;

        Mmio(MemorySegment run) {
            this.run = run;
            this.mmio = kvm_run.mmio$OFFSET;
        }

        public long address() {
            return run.get(JAVA_LONG, mmio + kvm_run.mmio.phys_addr$OFFSET);
        }

        public boolean isWrite() {
            return run.get(JAVA_BYTE, mmio + kvm_run.mmio.is_write$OFFSET) != 0;
        }

        /** Access width in bytes, 1 to 8. */
        public int length() {
            return run.get(JAVA_INT, mmio + kvm_run.mmio.len$OFFSET);
        }

        /** The value a write stored. */
        public long value() {
            return Bytes.readLe(run, mmio + kvm_run.mmio.data$OFFSET, length());
        }

        /** Sets the value a read loads. */
        public void setValue(long value) {
            Bytes.writeLe(run, mmio + kvm_run.mmio.data$OFFSET, length(), value);
        }

        @Override
        public String toString() {
            return "Mmio[address=0x" + Long.toHexString(address()) + ", " + (isWrite() ? "write" : "read")
                    + ", length=" + length() + "]";
        }
    }
}
