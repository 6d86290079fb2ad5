package dev.panamax.kvm.testing;

import dev.panamax.kvm.KvmHost;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestTag;
import org.junit.platform.launcher.PostDiscoveryFilter;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decides, from the one host classification ({@link KvmHost}), which tests run on this host
 * and which run inside the nested test host: a test tagged with a need this host's KVM cannot
 * meet is left out of the plan here (not skipped: it is run, and reported, by the nested-host
 * runner), and the runner itself is left out where nothing needs it. Registered with the JUnit
 * Platform through {@code META-INF/services}, so Surefire, Failsafe and the console launcher
 * all apply it.
 */
public final class HostRouting implements PostDiscoveryFilter {
    /** Tag of tests that need a KVM running hand-made guests: {@link RequiresKvm}. */
    public static final String KVM = "kvm";
    /** Tag of tests that boot Linux, which needs hardware KVM: {@link BootsLinux}. */
    public static final String LINUX = "linux-guest";
    /** Tag of the runner that runs the other two inside the nested test host. */
    public static final String NESTED_RUNNER = "nested-runner";

    private final KvmHost host;

    /** As the JUnit Platform makes it: for this process's KVM device. */
    public HostRouting() {
        this(KvmHost.probe());
    }

    HostRouting(KvmHost host) {
        this.host = host;
    }

    /** The tags of tests this host cannot run itself: they belong in the nested test host. */
    public static List<String> deferredTags(KvmHost host) {
        List<String> tags = new ArrayList<>();
        if (!host.canRunGuests()) {
            tags.add(KVM);
        }
        if (!host.canBootLinux()) {
            tags.add(LINUX);
        }
        return tags;
    }

    @Override
    public FilterResult apply(TestDescriptor descriptor) {
        Set<TestTag> tags = descriptor.getTags();
        List<String> deferred = deferredTags(host);
        for (String tag : deferred) {
            if (tags.contains(TestTag.create(tag))) {
                return FilterResult.excluded("runs inside the nested test host: " + host.describe());
            }
        }
        if (tags.contains(TestTag.create(NESTED_RUNNER)) && deferred.isEmpty()) {
            return FilterResult.excluded("this host runs every KVM test itself: " + host.describe());
        }
        return FilterResult.included("this host can run it");
    }
}
