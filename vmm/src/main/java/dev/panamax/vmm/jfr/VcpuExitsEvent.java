package dev.panamax.vmm.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/**
 * One vCPU's exits to Panamax since the previous event of this vCPU, by kind: written once a
 * period (1 s by default) from the counters the vCPU keeps anyway, never one event per exit.
 */
@Name("dev.panamax.VcpuExits")
@Label("vCPU Exits")
@Category("Panamax")
@Description("A vCPU's exits to the VMM since the previous event, by kind")
@StackTrace(false)
@Period("1 s")
final class VcpuExitsEvent extends jdk.jfr.Event {
    @Label("vCPU")
    public int vcpu;

    @Label("Port Reads")
    public long ioIn;

    @Label("Port Writes")
    public long ioOut;

    @Label("MMIO Reads")
    public long mmioRead;

    @Label("MMIO Writes")
    public long mmioWrite;

    @Label("Failures")
    public long failures;
}
