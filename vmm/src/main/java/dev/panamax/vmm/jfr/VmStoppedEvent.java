package dev.panamax.vmm.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** The VM stopped for good, and why. */
@Name("dev.panamax.VmStopped")
@Label("VM Stopped")
@Category("Panamax")
@Description("A microVM stopped: the guest reset or powered off, the host stopped it, or it failed")
@StackTrace(false)
final class VmStoppedEvent extends jdk.jfr.Event {
    @Label("Kind")
    @Description("Reset, Shutdown, Stopped (by the host) or Failure")
    public String kind;

    @Label("Reason")
    public String reason;

    @Label("Uptime")
    @Description("Wall-clock time from the start of MicroVm.start")
    @Timespan(Timespan.NANOSECONDS)
    public long uptime;
}
