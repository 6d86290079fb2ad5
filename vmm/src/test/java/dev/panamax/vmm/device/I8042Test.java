package dev.panamax.vmm.device;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class I8042Test {
    private static final int DATA = 0;
    private static final int STATUS = 4;
    private static final List<Integer> CTRL_ALT_DEL_SET1 = List.of(0x1d, 0x38, 0xe0, 0x53, 0xe0, 0xd3, 0xb8, 0x9d);

    private final AtomicInteger resets = new AtomicInteger();
    private final AtomicInteger interrupts = new AtomicInteger();
    private final I8042 kbd = new I8042(resets::incrementAndGet, interrupts::incrementAndGet);

    private int command(int c) {
        kbd.write(STATUS, 1, c);
        assertThat(outputFull()).as("output buffer full").isTrue();
        return (int) kbd.read(DATA, 1);
    }

    private boolean outputFull() {
        return (kbd.read(STATUS, 1) & 1) != 0;
    }

    private void writeCtr(int value) {
        kbd.write(STATUS, 1, 0x60);
        kbd.write(DATA, 1, value);
    }

    /** Reads the data port while the status says there is something, as Linux's interrupt handler does. */
    private List<Integer> drain() {
        List<Integer> bytes = new ArrayList<>();
        while (outputFull()) {
            bytes.add((int) kbd.read(DATA, 1));
        }
        return bytes;
    }

    @Test
    void controllerConfigurationCanBeReadAndWritten() {
        assertThat(command(0x20)).isEqualTo(0x45);
        writeCtr(0x47);
        assertThat(command(0x20)).isEqualTo(0x47);
        assertThat(outputFull()).isFalse();
    }

    @Test
    void selfTestsPassAndKeyboardAcknowledgesAndAnswersItsId() {
        assertThat(command(0xaa)).isEqualTo(0x55);
        assertThat(command(0xab)).isZero();
        kbd.write(DATA, 1, 0xf4);
        assertThat(drain()).containsExactly(0xfa);
        kbd.write(DATA, 1, 0xf2);
        assertThat(drain()).containsExactly(0xfa, 0xab, 0x41); // MF2, ID as translated
        writeCtr(0x05);
        kbd.write(DATA, 1, 0xf2);
        assertThat(drain()).containsExactly(0xfa, 0xab, 0x83);
    }

    @Test
    void pulseResetCommandResetsTheMachine() {
        kbd.write(DATA, 1, 0xfe); // a data byte 0xfe is not the command
        assertThat(resets).hasValue(0);
        kbd.write(STATUS, 1, 0xfe);
        assertThat(resets).hasValue(1);
    }

    @Test
    void ctrlAltDelIsQueuedInSetOneWithOneInterruptPerByte() {
        assertThat(kbd.pressCtrlAltDel()).isTrue();
        assertThat(interrupts).as("raised for the first byte").hasValue(1);
        List<Integer> read = new ArrayList<>();
        for (int i = 0; i < CTRL_ALT_DEL_SET1.size(); i++) {
            assertThat(outputFull()).isTrue();
            read.add((int) kbd.read(DATA, 1));
            // each read that leaves a byte behind raises the interrupt for it
            assertThat(interrupts).hasValue(Math.min(i + 2, CTRL_ALT_DEL_SET1.size()));
        }
        assertThat(read).isEqualTo(CTRL_ALT_DEL_SET1);
        assertThat(outputFull()).isFalse();
        assertThat(kbd.read(DATA, 1)).as("an empty buffer repeats the last byte").isEqualTo(0x9d);
        assertThat(interrupts).hasValue(CTRL_ALT_DEL_SET1.size());
    }

    @Test
    void withoutTranslationCtrlAltDelIsSetTwo() {
        writeCtr(0x05); // interrupt on, translation off: Firecracker's setting
        assertThat(kbd.pressCtrlAltDel()).isTrue();
        assertThat(drain()).containsExactly(0x14, 0x11, 0xe0, 0x71, 0xe0, 0xf0, 0x71, 0xf0, 0x11, 0xf0, 0x14);
    }

    @Test
    void keysWaitWithoutInterruptUntilTheGuestEnablesIt() {
        writeCtr(0x44); // Linux probing: keyboard interrupt off
        assertThat(kbd.pressCtrlAltDel()).isTrue();
        assertThat(interrupts).hasValue(0);
        kbd.read(DATA, 1); // polling still reads, and raises nothing
        assertThat(interrupts).hasValue(0);
        writeCtr(0x45);
        assertThat(interrupts).as("enabling raises it for what waits").hasValue(1);
        assertThat(drain()).isEqualTo(CTRL_ALT_DEL_SET1.subList(1, CTRL_ALT_DEL_SET1.size()));
    }

    @Test
    void aFullBufferRefusesAWholeChordAndKeepsWhatItHas() {
        // 16 bytes: two chords fit, a third does not, and is not half queued
        assertThat(kbd.pressCtrlAltDel()).isTrue();
        assertThat(kbd.pressCtrlAltDel()).isTrue();
        assertThat(kbd.pressCtrlAltDel()).isFalse();
        List<Integer> both = new ArrayList<>(CTRL_ALT_DEL_SET1);
        both.addAll(CTRL_ALT_DEL_SET1);
        assertThat(drain()).isEqualTo(both);
        assertThat(kbd.pressCtrlAltDel()).isTrue();
    }

    @Test
    void aControllerReplyIsReadBeforeQueuedScancodes() {
        kbd.pressCtrlAltDel();
        assertThat(kbd.read(DATA, 1)).isEqualTo(0x1d);
        int before = interrupts.get();
        assertThat(command(0x20)).isEqualTo(0x45);
        assertThat(interrupts).as("the scancodes behind the reply get their interrupt").hasValue(before + 1);
        assertThat(drain()).isEqualTo(CTRL_ALT_DEL_SET1.subList(1, CTRL_ALT_DEL_SET1.size()));
    }

    @Test
    void anUnreadByteGetsItsInterruptAgainAfterThePatience() {
        kbd.pressCtrlAltDel();
        assertThat(kbd.reraiseIfUnacknowledged(0, 100)).isFalse(); // starts the clock
        assertThat(kbd.reraiseIfUnacknowledged(50, 100)).isFalse();
        assertThat(kbd.reraiseIfUnacknowledged(100, 100)).isTrue();
        assertThat(interrupts).hasValue(2);
        kbd.read(DATA, 1); // the guest reads: patience starts over
        assertThat(kbd.reraiseIfUnacknowledged(150, 100)).isFalse();
        assertThat(kbd.reraiseIfUnacknowledged(200, 100)).isFalse();
        drain();
        assertThat(kbd.reraiseIfUnacknowledged(1000, 100)).isFalse();
        assertThat(kbd.reraisedInterrupts()).isEqualTo(1);
    }

    @Test
    void enablingAndDisablingPortsShowsInTheConfigurationByteAtOnce() {
        // Linux's i8042_toggle_aux reads the byte back up to 100 times until the bit changes
        kbd.write(STATUS, 1, 0xa7);
        assertThat(command(0x20) & 0x20).as("AUX disabled").isEqualTo(0x20);
        kbd.write(STATUS, 1, 0xa8);
        assertThat(command(0x20) & 0x20).as("AUX enabled").isZero();
        kbd.write(STATUS, 1, 0xad);
        assertThat(command(0x20) & 0x10).as("keyboard disabled").isEqualTo(0x10);
        kbd.write(STATUS, 1, 0xae);
        assertThat(command(0x20)).as("back to the start").isEqualTo(0x45);
    }

    @Test
    void thereIsNoAuxPortAndTheInterfaceTestSaysSoFirst() {
        writeCtr(0x54); // as Linux probes: keyboard disabled, no interrupt
        kbd.write(STATUS, 1, 0xd3); // AUX loopback of 0x5a
        kbd.write(DATA, 1, 0x5a);
        assertThat(kbd.read(STATUS, 1) & 0x21).as("a byte, but not from AUX").isEqualTo(0x01);
        int test = command(0xa9);
        assertThat(test).as("interface test: neither passed (0x00) nor a notebook's 0xfa/0xff").isNotIn(0x00, 0xfa, 0xff);
        assertThat(interrupts).hasValue(0);
    }

    @Test
    void statusSaysTheKeyboardIsNotLocked() {
        assertThat(kbd.read(STATUS, 1) & 0x10).isEqualTo(0x10);
    }

    @Test
    void metricsCountEachRegistersAccesses() {
        command(0x20); // command write, status read, data read
        writeCtr(0x45); // command write, data write
        kbd.read(STATUS, 1);
        kbd.write(STATUS, 1, 0xfe);
        assertThat(kbd.metrics().name()).isEqualTo("i8042");
        assertThat(kbd.metrics().counters()).containsEntry("status_read_count", 2L)
                .containsEntry("command_write_count", 3L)
                .containsEntry("data_read_count", 1L)
                .containsEntry("data_write_count", 1L)
                .containsEntry("read_count", 3L)
                .containsEntry("write_count", 4L)
                .containsEntry("reset_count", 1L);
    }
}
