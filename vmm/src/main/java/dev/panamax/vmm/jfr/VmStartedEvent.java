package dev.panamax.vmm.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** The VM was built and its vCPUs started. */
@Name("dev.panamax.VmStarted")
@Label("VM Started")
@Category("Panamax")
@Description("A microVM was built and its vCPUs started")
@StackTrace(false)
final class VmStartedEvent extends jdk.jfr.Event {
    @Label("vCPUs")
    public int vcpus;

    @Label("Memory")
    @DataAmount
    public long memory;

    @Label("Kernel")
    public String kernel;

    @Label("Boot Timer")
    @Description("Whether the boot-timer device is there")
    public boolean bootTimer;

    @Label("Took")
    @Description("How long MicroVm.start took")
    @Timespan(Timespan.NANOSECONDS)
    public long took;
}
