package dev.panamax.kvm.testing;

import dev.panamax.kvm.KvmHost;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Which tests each kind of host runs itself, and which it leaves to the nested test host. */
class HostRoutingTest {
    private static TestDescriptor tagged(String... tags) {
        Set<TestTag> set = Arrays.stream(tags).filter(t -> !t.isEmpty()).map(TestTag::create).collect(Collectors.toSet());
        return new AbstractTestDescriptor(UniqueId.forEngine("test").append("method", "m"), "m") {
            @Override
            public Type getType() {
                return Type.TEST;
            }

            @Override
            public Set<TestTag> getTags() {
                return set;
            }
        };
    }

    @ParameterizedTest(name = "{0}: untagged {1}, kvm {2}, linux {3}, nested runner {4}")
    @CsvSource({
        "HARDWARE,  true, true,  true,  false",
        "PVM,       true, true,  false, true",
        "NO_DEVICE, true, false, false, true",
        "NO_ACCESS, true, false, false, true",
        "NOT_KVM,   true, false, false, true"})
    void eachKindOfHostRunsWhatItsKvmCanAndLeavesTheRestToTheNestedHost(KvmHost.Kind kind, boolean untagged,
            boolean kvm, boolean linux, boolean runner) {
        HostRouting routing = new HostRouting(new KvmHost(Path.of("/dev/kvm"), kind, "test", "test"));
        assertThat(routing.apply(tagged("")).included()).isEqualTo(untagged);
        assertThat(routing.apply(tagged(HostRouting.KVM)).included()).isEqualTo(kvm);
        assertThat(routing.apply(tagged(HostRouting.LINUX)).included()).isEqualTo(linux);
        assertThat(routing.apply(tagged(HostRouting.KVM, HostRouting.LINUX)).included()).isEqualTo(linux);
        assertThat(routing.apply(tagged(HostRouting.NESTED_RUNNER)).included()).isEqualTo(runner);
    }
}
