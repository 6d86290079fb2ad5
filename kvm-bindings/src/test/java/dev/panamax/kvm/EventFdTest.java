package dev.panamax.kvm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An eventfd counts its signals, and refuses any use once closed (its number may name another file then). */
class EventFdTest {
    @Test
    void signalsAreCountedAndDrained() {
        try (EventFd e = EventFd.create()) {
            assertThat(e.drain()).isZero();
            e.signal();
            e.signal();
            assertThat(e.drain()).isEqualTo(2);
            assertThat(e.drain()).isZero();
        }
    }

    @Test
    void useAfterCloseIsRefusedNotSentToWhateverReusedTheNumber() {
        EventFd e = EventFd.create();
        int number = e.fd();
        e.close();
        try (EventFd reused = EventFd.create()) { // the kernel hands out the lowest free number again
            assertThat(reused.fd()).isEqualTo(number);
            assertThatThrownBy(e::signal).isInstanceOf(IllegalStateException.class)
                    .hasMessage("EventFd (fd " + number + ") used after close");
            assertThatThrownBy(e::drain).isInstanceOf(IllegalStateException.class);
            assertThat(reused.drain()).as("nothing reached the file that reused the number").isZero();
        }
        e.close(); // closing again is harmless
    }
}
