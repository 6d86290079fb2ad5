package dev.panamax.kvm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The host classification on paths every host has: it never throws, and says what to do. */
class KvmHostTest {
    @TempDir
    Path sysModule;

    @Test
    void aMissingDeviceIsNoDeviceAndSaysWhetherTheModuleIsLoaded() throws IOException {
        Path missing = Path.of("/dev/no-such-kvm");
        KvmHost none = KvmHost.probe(missing, sysModule);
        assertThat(none.kind()).isEqualTo(KvmHost.Kind.NO_DEVICE);
        assertThat(none.describe()).isEqualTo("/dev/no-such-kvm: no KVM device (ENOENT, no kvm module is loaded)");
        assertThat(none.remedy()).contains("nested test host");

        Files.createDirectory(sysModule.resolve("kvm"));
        Files.createDirectory(sysModule.resolve("kvm_pvm"));
        assertThat(KvmHost.probe(missing, sysModule).detail())
                .isEqualTo("ENOENT, the kvm module is loaded but registered no device there");
    }

    @Test
    void aDeviceThisUserMayNotOpenNamesTheGroupToJoin() {
        // sysfs refuses a read-write open of a read-only attribute with EACCES, even to root
        KvmHost host = KvmHost.probe(Path.of("/sys/devices/system/cpu/online"), sysModule);
        assertThat(host.kind()).isEqualTo(KvmHost.Kind.NO_ACCESS);
        assertThat(host.detail()).startsWith("EACCES, owned by group ");
        assertThat(host.remedy()).startsWith("add this user to group ").contains("usermod -aG");
        assertThat(host.canRunGuests()).isFalse();
    }

    @Test
    void somethingThatOpensButIsNotKvmIsSaidToBeNotKvm() {
        KvmHost host = KvmHost.probe(Path.of("/dev/null"), sysModule);
        assertThat(host.kind()).isEqualTo(KvmHost.Kind.NOT_KVM);
        assertThat(host.detail()).isEqualTo("ioctl(KVM_GET_API_VERSION) failed: ENOTTY (Inappropriate ioctl for device)");
    }

    @Test
    void requiringLinuxWhereItCannotBootIsOneLineWithTheRemedy() {
        KvmHost none = KvmHost.probe(Path.of("/dev/no-such-kvm"), sysModule);
        assertThat(none.canBootLinux()).isFalse();
        assertThatThrownBy(none::requireLinuxBoot)
                .isInstanceOf(KvmUnavailableException.class)
                .hasMessage("cannot boot Linux: /dev/no-such-kvm: no KVM device (ENOENT, no kvm module is loaded); "
                        + "run on a host with VT-x/AMD-V KVM, or inside the nested test host (scripts/nested-host.sh, "
                        + "as scripts/run-guest does)");
    }

    @Test
    void thisHostsDeviceIsClassifiedConsistentlyWithWhatIsThere() {
        KvmHost host = KvmHost.probe();
        if (!Files.exists(KvmHost.configuredDevice())) {
            assertThat(host.kind()).isEqualTo(KvmHost.Kind.NO_DEVICE);
        } else if (Files.exists(Path.of("/sys/module/kvm_pvm"))) {
            assertThat(host.kind()).isIn(KvmHost.Kind.PVM, KvmHost.Kind.NO_ACCESS);
        } else {
            assertThat(host.kind()).isIn(KvmHost.Kind.HARDWARE, KvmHost.Kind.NO_ACCESS);
        }
        assertThat(host.canBootLinux()).isEqualTo(host.kind() == KvmHost.Kind.HARDWARE);
    }
}
