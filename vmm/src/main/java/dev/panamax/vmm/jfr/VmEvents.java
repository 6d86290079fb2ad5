package dev.panamax.vmm.jfr;

import dev.panamax.vcpu.StopReason;
import dev.panamax.vmm.device.BootTime;
import jdk.jfr.FlightRecorder;

/**
 * Writes the VM's lifecycle and boot-time events. Each method first asks whether the Flight
 * Recorder runs at all: the first use of an event class sets JFR up, which costs the process
 * about half a second, so without a recording no event class is ever touched.
 */
public final class VmEvents {
    private VmEvents() {}

    /** Whether events can be recorded: some recording has started in this process. */
    private static boolean recorderRunning() {
        return FlightRecorder.isInitialized();
    }

    public static void started(int vcpus, long memoryBytes, String kernel, boolean bootTimer, long tookNanos) {
        if (!recorderRunning()) {
            return;
        }
        VmStartedEvent e = new VmStartedEvent();
        e.vcpus = vcpus;
        e.memory = memoryBytes;
        e.kernel = kernel;
        e.bootTimer = bootTimer;
        e.took = tookNanos;
        e.commit();
    }

    public static void paused(long tookNanos) {
        if (!recorderRunning()) {
            return;
        }
        VmPausedEvent e = new VmPausedEvent();
        e.took = tookNanos;
        e.commit();
    }

    public static void resumed(long tookNanos) {
        if (!recorderRunning()) {
            return;
        }
        VmResumedEvent e = new VmResumedEvent();
        e.took = tookNanos;
        e.commit();
    }

    /** The VM stopped: {@code kind} is the reason's record name (Reset, Shutdown, Stopped, Failure). */
    public static void stopped(StopReason reason, long uptimeNanos) {
        if (!recorderRunning()) {
            return;
        }
        VmStoppedEvent e = new VmStoppedEvent();
        e.kind = reason.getClass().getSimpleName();
        e.reason = reason.describe();
        e.uptime = uptimeNanos;
        e.commit();
    }

    public static void guestBootTime(BootTime t) {
        if (!recorderRunning()) {
            return;
        }
        GuestBootTimeEvent e = new GuestBootTimeEvent();
        e.bootTime = t.wall().toNanos() / 1000;
        e.cpuTime = t.cpu().toNanos() / 1000;
        e.commit();
    }
}
