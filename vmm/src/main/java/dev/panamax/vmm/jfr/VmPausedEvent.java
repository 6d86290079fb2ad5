package dev.panamax.vmm.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** The VM was paused. */
@Name("dev.panamax.VmPaused")
@Label("VM Paused")
@Category("Panamax")
@Description("A microVM was paused")
@StackTrace(false)
final class VmPausedEvent extends jdk.jfr.Event {
    @Label("Took")
    @Description("How long parking the vCPUs and the event loop took")
    @Timespan(Timespan.NANOSECONDS)
    public long took;
}
