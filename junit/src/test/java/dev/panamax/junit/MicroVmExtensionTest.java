package dev.panamax.junit;

import dev.panamax.vmm.VmConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The extension's behaviour that needs no KVM: how the annotation becomes a spec, and how a
 * guest that cannot boot (here: no such kernel) fails its test, still with a console log and a
 * report entry. Booting real guests is launcher's JUnitExtensionIT.
 */
class MicroVmExtensionTest {
    @TempDir
    Path tmp;

    @Test
    void annotationAttributesBecomeTheSpec() throws Exception {
        MicroVmTest t = Declared.class.getAnnotation(MicroVmTest.class);
        GuestSpec spec = MicroVmExtension.spec(t);
        assertThat(spec).isEqualTo(new GuestSpec(Path.of("/k/bzImage"), Optional.of(Path.of("/k/initrd")), 3, 256,
                "foo=bar", Duration.ofSeconds(9), 77, List.of(
                        new VmConfig.Drive("drive0", Path.of("/d/data.img"), false, false),
                        new VmConfig.Drive("drive1", Path.of("/d/shared.img"), false, true))));
        assertThat(Guest.create(spec, "x").kernelArgs())
                .isEqualTo("console=ttyS0 quiet panic=-1 reboot=k pmx_agent=77 foo=bar");
    }

    @Test
    void aGuestThatCannotStartFailsTheTestAndItsConsoleIsStillPublished() throws Exception {
        System.setProperty(MicroVmExtension.CONSOLES_DIR_PROPERTY, tmp.toString());
        try {
            EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                    .selectors(selectClass(MissingKernel.class)).execute();
            results.testEvents().assertStatistics(s -> s.started(2).failed(1).succeeded(1));
            Throwable why = results.testEvents().failed().list().getFirst()
                    .getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
            assertThat(why).hasMessageContaining("the microVM for needsAGuest(Guest) did not boot")
                    .hasMessageContaining("guest MissingKernel.needsAGuest could not start")
                    .hasMessageContaining("/no/such/bzImage");
            assertThat(why.getCause()).isInstanceOf(GuestStartException.class);
            List<String> published = results.testEvents().reportingEntryPublished().stream()
                    .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs().get(MicroVmExtension.REPORT_KEY))
                    .toList();
            Path log = tmp.resolve(MissingKernel.class.getName()).resolve("needsAGuest.log");
            assertThat(published).containsExactly(log.toAbsolutePath().toString());
            assertThat(log).exists().isEmptyFile(); // it never printed anything
        } finally {
            System.clearProperty(MicroVmExtension.CONSOLES_DIR_PROPERTY);
        }
    }

    @Test
    void testcontainersStartsAGuestInAContainerField() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(MissingKernelContainer.class)).execute();
        // @Container called start(): the class fails with the guest's own start failure, no Docker involved
        Throwable why = results.containerEvents().failed().list().getFirst()
                .getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
        assertThat(why).isInstanceOf(GuestStartException.class).hasMessageContaining("/no/such/bzImage");
    }

    @Test
    void aClassWideGuestIsOneGuestAndAFailedBootIsNotRetried() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(SharedMissingKernel.class)).execute();
        results.testEvents().assertStatistics(s -> s.started(2).failed(2));
        List<Throwable> causes = results.testEvents().failed().list().stream()
                .map(e -> e.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow().getCause())
                .toList();
        assertThat(causes.get(0)).isInstanceOf(GuestStartException.class).isSameAs(causes.get(1))
                .hasMessageContaining("guest SharedMissingKernel could not start");
    }

    @Test
    void aClosedGuestRefusesWork() {
        Guest g = Guest.create(GuestSpec.of(Path.of("/no/such/bzImage"), Path.of("/no/such/initrd")), "closed");
        g.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(g::start).isInstanceOf(IllegalStateException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> g.exec("true"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("was closed");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Guest.create(g.spec(), "has space"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFirecrackerConfigFileDeclaresTheGuest() {
        GuestSpec spec = MicroVmExtension.spec(FromConfig.class.getAnnotation(MicroVmTest.class));
        Path dir = Path.of("src/test/resources/configs").toAbsolutePath();
        assertThat(spec).isEqualTo(new GuestSpec(dir.resolve("kernel.bin"), Optional.empty(), 2, 192,
                "console=ttyS0 reboot=k panic=1 answer=42 extra=1", Duration.ofSeconds(180), GuestSpec.DEFAULT_AGENT_PORT,
                List.of(new VmConfig.Drive("data", dir.resolve("disk.img"), false, true)), true));
    }

    @Test
    void aConfigFileWithItsOwnVsockOrWithMachineAttributesIsRefusedByName() {
        assertThat(failuresOfBoth(ConfigWithVsock.class, ConfigAndKernel.class))
                .anySatisfy(m -> assertThat(m).contains("configFile = \"src/test/resources/configs/vm-vsock.json\"")
                        .contains("vsock: a test guest has the agent's vsock device"))
                .anySatisfy(m -> assertThat(m).contains("the config file declares kernel, initrd, cpus, memory and drives"));
    }

    @Test
    void injectedFieldsBootTheTestsGuestAndAFailedBootFailsTheTest() {
        assertThat(failuresOfBoth(FieldMissingKernel.class, FinalField.class))
                .anySatisfy(m -> assertThat(m).contains("the microVM for field() did not boot")
                        .contains("guest FieldMissingKernel.field could not start"))
                .anySatisfy(m -> assertThat(m).contains("@InjectGuest field FinalField.guest must be a non-final field of type Guest"));
    }

    @Test
    void eachInvocationOfARepeatedTestHasItsOwnGuest() {
        assertThat(failuresOfBoth(RepeatedMissingKernel.class))
                .anySatisfy(m -> assertThat(m).contains("guest RepeatedMissingKernel.twice-1 could not start"))
                .anySatisfy(m -> assertThat(m).contains("guest RepeatedMissingKernel.twice-2 could not start"));
    }

    /** Runs the classes' tests, which must be two in all and both fail; their failure messages. */
    private static List<String> failuresOfBoth(Class<?>... classes) {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(java.util.Arrays.stream(classes).map(c -> selectClass(c))
                        .toArray(org.junit.platform.engine.DiscoverySelector[]::new)).execute();
        results.testEvents().assertStatistics(s -> s.started(2).failed(2));
        return results.testEvents().failed().list().stream()
                .map(e -> e.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow().getMessage())
                .toList();
    }

    @MicroVmTest(kernel = "/no/such/bzImage")
    static class RepeatedMissingKernel {
        @org.junit.jupiter.api.RepeatedTest(2)
        void twice(Guest guest) {
            throw new AssertionError("booted " + guest);
        }
    }

    @MicroVmTest(configFile = "src/test/resources/configs/vm.json", kernelArgs = "extra=1")
    static class FromConfig {}

    @MicroVmTest(configFile = "src/test/resources/configs/vm-vsock.json")
    static class ConfigWithVsock {
        @Test
        void t(Guest guest) {
            throw new AssertionError("booted " + guest);
        }
    }

    @MicroVmTest(configFile = "src/test/resources/configs/vm.json", cpus = 4)
    static class ConfigAndKernel {
        @Test
        void t(Guest guest) {
            throw new AssertionError("booted " + guest);
        }
    }

    @MicroVmTest(kernel = "/no/such/bzImage")
    static class FieldMissingKernel {
        @InjectGuest
        Guest guest;

        @Test
        void field() {
            throw new AssertionError("booted " + guest);
        }
    }

    @MicroVmTest(kernel = "/no/such/bzImage")
    static class FinalField {
        @InjectGuest
        final Guest guest = null;

        @Test
        void t() {
            throw new AssertionError("ran");
        }
    }

    @MicroVmTest(kernel = "/k/bzImage", initrd = "/k/initrd", cpus = 3, memMib = 256, kernelArgs = "foo=bar",
            bootTimeoutSeconds = 9, agentPort = 77, drives = {"/d/data.img", "/d/shared.img,ro"})
    static class Declared {}

    @MicroVmTest(kernel = "/no/such/bzImage")
    static class MissingKernel {
        @Test
        void needsAGuest(Guest guest) {
            throw new AssertionError("booted " + guest);
        }

        @Test
        void needsNone() {
            assertThat(Files.exists(Path.of("/"))).isTrue();
        }
    }

    @MicroVmTest(kernel = "/no/such/bzImage", lifecycle = MicroVmTest.Lifecycle.PER_CLASS)
    static class SharedMissingKernel {
        @Test
        void first(Guest guest) {
            throw new AssertionError("booted " + guest);
        }

        @Test
        void second(Guest guest) {
            throw new AssertionError("booted " + guest);
        }
    }

    @Testcontainers
    static class MissingKernelContainer {
        @Container
        static final Guest guest = Guest.create(GuestSpec.of(Path.of("/no/such/bzImage"), Path.of("/no/such/initrd")));

        @Test
        void never() {
            throw new AssertionError("started " + guest);
        }
    }
}
