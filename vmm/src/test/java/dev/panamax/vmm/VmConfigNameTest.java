package dev.panamax.vmm;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VmConfigNameTest {
    private final VmConfig config = new VmConfig(new VmConfig.BootSource(Path.of("vmlinux"), Optional.empty(), ""),
            new VmConfig.Machine(1, 128));

    @Test
    void threadsCarryTheVmsNameWhenItHasOne() {
        assertThat(config.threadName("vcpu-0")).isEqualTo("vcpu-0");
        assertThat(config.withName("left").threadName("vcpu-0")).isEqualTo("left/vcpu-0");
        assertThat(config.withName("left").withBootTimer(true).name()).contains("left");
    }

    @Test
    void aNameIsOneToSixtyFourCharacters() {
        assertThatThrownBy(() -> config.withName(" ")).hasMessage("name \" \" must be 1 to 64 characters");
        assertThatThrownBy(() -> config.withName("x".repeat(65))).hasMessageStartingWith("name \"xxx");
    }
}
