package dev.panamax.virtio.vsock;

import dev.panamax.device.Counter;
import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * One pass over the vsock RX or TX queue that moved packets: how many, how many payload bytes,
 * and (the event's duration) how long it took. Passes that moved nothing are not written.
 * {@link VsockDevice} only makes one while a recording enables it ({@link #wanted()}).
 */
@Name("dev.panamax.VsockBurst")
@Label("Vsock Burst")
@Category("Panamax")
@Description("A pass over the vsock RX (to the guest) or TX (from it) queue that moved packets")
@StackTrace(false)
final class VsockBurstEvent extends jdk.jfr.Event {
    @Label("Queue")
    @Description("rx (to the guest) or tx (from it)")
    String queue;

    @Label("Packets")
    long packets;

    @Label("Payload")
    @DataAmount
    long bytes;

    private transient Counter packetCounter;
    private transient Counter byteCounter;

    /** The event's type, looked up on first use: only once JFR runs (see {@link #wanted()}). */
    private static final class Type {
        static final EventType VSOCK_BURST = EventType.getEventType(VsockBurstEvent.class);
    }

    /**
     * Whether a recording wants these events now; allocates nothing. JFR's first event costs the
     * process about half a second of setup, so nothing of JFR is touched before it runs.
     */
    static boolean wanted() {
        return FlightRecorder.isInitialized() && Type.VSOCK_BURST.isEnabled();
    }

    /** Starts timing a pass whose work {@code packets} and {@code bytes} count. */
    static VsockBurstEvent begun(Counter packets, Counter bytes) {
        VsockBurstEvent e = new VsockBurstEvent();
        e.packetCounter = packets;
        e.byteCounter = bytes;
        e.packets = packets.get();
        e.bytes = bytes.get();
        e.begin();
        return e;
    }

    void finish(String queueName) {
        end();
        packets = packetCounter.get() - packets;
        bytes = byteCounter.get() - bytes;
        if (packets > 0 && shouldCommit()) {
            queue = queueName;
            commit();
        }
    }
}
