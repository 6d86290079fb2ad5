package dev.panamax.vmm.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A paused VM was resumed. */
@Name("dev.panamax.VmResumed")
@Label("VM Resumed")
@Category("Panamax")
@Description("A paused microVM was resumed")
@StackTrace(false)
final class VmResumedEvent extends jdk.jfr.Event {
    @Label("Took")
    @Description("How long resume took")
    @Timespan(Timespan.NANOSECONDS)
    public long took;
}
