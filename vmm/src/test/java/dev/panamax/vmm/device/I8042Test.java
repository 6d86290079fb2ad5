package dev.panamax.vmm.device;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class I8042Test {
    private final AtomicInteger resets = new AtomicInteger();
    private final I8042 kbd = new I8042(resets::incrementAndGet);

    private int command(int c) {
        kbd.write(4, 1, c);
        assertThat(kbd.read(4, 1) & 1).as("output buffer full").isEqualTo(1);
        return (int) kbd.read(0, 1);
    }

    @Test
    void controllerConfigurationCanBeReadAndWritten() {
        assertThat(command(0x20)).isEqualTo(0x45);
        kbd.write(4, 1, 0x60);
        kbd.write(0, 1, 0x47);
        assertThat(command(0x20)).isEqualTo(0x47);
        assertThat(kbd.read(4, 1) & 1).isZero();
    }

    @Test
    void selfTestsPassAndKeyboardAcknowledges() {
        assertThat(command(0xaa)).isEqualTo(0x55);
        assertThat(command(0xab)).isZero();
        kbd.write(0, 1, 0xf4);
        assertThat(kbd.read(0, 1)).isEqualTo(0xfa);
    }

    @Test
    void pulseResetCommandResetsTheMachine() {
        kbd.write(0, 1, 0xfe); // a data byte 0xfe is not the command
        assertThat(resets).hasValue(0);
        kbd.write(4, 1, 0xfe);
        assertThat(resets).hasValue(1);
    }
}
