package dev.panamax.vmm.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** The guest wrote 123 to the boot-timer device: how long its boot took, as Firecracker logs it. */
@Name("dev.panamax.GuestBootTime")
@Label("Guest Boot Time")
@Category("Panamax")
@Description("The guest signalled the boot-timer device: time from the VM's start, wall clock and process CPU")
@StackTrace(false)
final class GuestBootTimeEvent extends jdk.jfr.Event {
    @Label("Boot Time")
    @Timespan(Timespan.MICROSECONDS)
    public long bootTime;

    @Label("CPU Time")
    @Description("CPU time the whole Panamax process used meanwhile")
    @Timespan(Timespan.MICROSECONDS)
    public long cpuTime;
}
