package dev.panamax.vmm.device;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class Serial8250Test {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final AtomicInteger interrupts = new AtomicInteger();
    private final Serial8250 uart = new Serial8250(out, interrupts::incrementAndGet);

    @Test
    void transmittedBytesReachTheConsoleAndRaiseTransmitterEmpty() {
        uart.write(0, 1, 'h');
        assertThat(interrupts).hasValue(0); // interrupt not enabled yet
        uart.write(1, 1, 0x2); // IER: transmitter empty
        assertThat(interrupts).hasValue(1); // enabling it while empty raises it
        assertThat(uart.read(2, 1) & 0xf).isEqualTo(0x2);
        assertThat(uart.read(2, 1) & 0xf).isEqualTo(0x1); // acknowledged by the IIR read
        uart.write(0, 1, 'i');
        assertThat(interrupts).hasValue(2);
        assertThat(out.toString()).isEqualTo("hi");
        assertThat(uart.read(5, 1) & 0x60).isEqualTo(0x60);
    }

    @Test
    void receivedBytesAreReadInOrderWithDataReadyAndRxInterrupt() throws InterruptedException {
        uart.write(1, 1, 0x1); // IER: data received
        uart.receive("ok\n".getBytes(), 0, 3);
        assertThat(interrupts).hasValue(1);
        assertThat(uart.read(2, 1) & 0xf).isEqualTo(0x4);
        StringBuilder got = new StringBuilder();
        while ((uart.read(5, 1) & 0x1) != 0) {
            got.append((char) uart.read(0, 1));
        }
        assertThat(got).hasToString("ok\n");
        assertThat(uart.read(2, 1) & 0xf).isEqualTo(0x1);
    }

    /** Resource limit: console input a guest does not read waits outside Panamax, never piling up in it. */
    @Test
    void inputTheGuestDoesNotReadWaitsWithAtMostTheFifoHeld() throws InterruptedException {
        byte[] flood = new byte[1 << 20];
        Thread feeder = Thread.ofPlatform().start(() -> {
            try {
                uart.receive(flood, 0, flood.length);
            } catch (InterruptedException e) {
                // the test ends it
            }
        });
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (feeder.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(feeder.getState()).as("the feeder waits for room").isEqualTo(Thread.State.WAITING);
        int held = 0;
        synchronized (uart) { // the feeder cannot refill while this thread drains
            while ((uart.read(5, 1) & 0x1) != 0) {
                uart.read(0, 1);
                held++;
            }
        }
        assertThat(held).isEqualTo(Serial8250.FIFO_SIZE);
        feeder.interrupt();
        feeder.join(10_000);
        assertThat(feeder.isAlive()).isFalse();
    }

    @Test
    void divisorLatchAndScratchHoldWhatIsWritten() {
        uart.write(3, 1, 0x80); // DLAB
        uart.write(0, 1, 0x01);
        uart.write(1, 1, 0x00);
        assertThat(uart.read(0, 1)).isEqualTo(1);
        uart.write(3, 1, 0x03);
        uart.write(7, 1, 0x5a);
        assertThat(uart.read(7, 1)).isEqualTo(0x5a);
        assertThat(out.size()).isZero(); // the divisor write did not transmit
    }

    @Test
    void loopbackModeEchoesOutputAndWiresModemLines() {
        uart.write(4, 1, 0x10 | 0x0a); // loopback, OUT2, RTS
        assertThat(uart.read(6, 1) & 0xf0).isEqualTo(0x90); // DCD, CTS: what Linux's probe checks
        uart.write(0, 1, 'x');
        assertThat(uart.read(0, 1)).isEqualTo('x');
        assertThat(out.size()).isZero();
    }

    @Test
    void fifoFlagsShowInIir() {
        uart.write(2, 1, 0x07);
        assertThat(uart.read(2, 1) & 0xc0).isEqualTo(0xc0); // a 16550A
    }

    @Test
    void anInterruptTheDriverNeverAcknowledgesIsRaisedAgainAfterItsPatience() {
        long patience = 100_000_000L; // 100 ms
        uart.write(1, 1, 0x2); // IER: transmitter empty, raised at once
        assertThat(interrupts).hasValue(1);
        long now = System.nanoTime();
        assertThat(uart.reraiseIfUnacknowledged(now, patience)).isFalse(); // found pending: the clock starts
        assertThat(uart.reraiseIfUnacknowledged(now + 2 * patience, patience)).isTrue();
        assertThat(interrupts).hasValue(2);
        assertThat(uart.reraisedInterrupts()).isEqualTo(1);

        assertThat(uart.read(2, 1) & 0xf).isEqualTo(0x2); // the driver finally looks: acknowledged
        long later = now + 10 * patience;
        assertThat(uart.reraiseIfUnacknowledged(later, 1)).isFalse(); // nothing pending any more
        assertThat(interrupts).hasValue(2);
    }

    @Test
    void aPendingInterruptTheDriverHasSeenIsNotRaisedAgainBeforeItsPatience() throws InterruptedException {
        uart.write(1, 1, 0x1); // IER: data received
        uart.receive("a".getBytes(), 0, 1);
        assertThat(uart.read(2, 1) & 0xf).isEqualTo(0x4); // seen, data still unread
        long now = System.nanoTime();
        assertThat(uart.reraiseIfUnacknowledged(now, 1_000)).isFalse(); // the clock starts here
        assertThat(uart.reraiseIfUnacknowledged(now + 500, 1_000)).isFalse();
        assertThat(uart.reraiseIfUnacknowledged(now + 1_000, 1_000)).isTrue();
        uart.read(0, 1); // data read: the condition is gone
        assertThat(uart.reraiseIfUnacknowledged(now + 10_000, 1_000)).isFalse();
        assertThat(uart.reraisedInterrupts()).isEqualTo(1);
    }
}
