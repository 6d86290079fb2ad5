package dev.panamax.virtio;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * One virtio-blk request that took at least the threshold (10 ms by default) from the device
 * taking it off the queue to its status: slow disks show up, fast requests cost a clock read.
 * {@link BlockDevice} only makes one while a recording enables it ({@link #wanted()}), so
 * requests allocate nothing for it otherwise.
 */
@Name("dev.panamax.BlockRequest")
@Label("Block Request")
@Category("Panamax")
@Description("A virtio-blk request slower than the threshold")
@StackTrace(false)
@Threshold("10 ms")
final class BlockRequestEvent extends jdk.jfr.Event {
    @Label("Drive")
    String drive;

    @Label("Type")
    @Description("read, write, flush, get_id, or the unsupported type's number")
    String type;

    @Label("Sector")
    long sector;

    @Label("Bytes")
    @DataAmount
    long bytes;

    @Label("Status")
    @Description("0 OK, 1 IOERR, 2 UNSUPP")
    int status;

    /** The event's type, looked up on first use: only once JFR runs (see {@link #wanted()}). */
    private static final class Type {
        static final EventType BLOCK_REQUEST = EventType.getEventType(BlockRequestEvent.class);
    }

    /**
     * Whether a recording wants these events now; allocates nothing. JFR's first event costs the
     * process about half a second of setup, so nothing of JFR is touched before it runs.
     */
    static boolean wanted() {
        return FlightRecorder.isInitialized() && Type.BLOCK_REQUEST.isEnabled();
    }

    static BlockRequestEvent begun() {
        BlockRequestEvent e = new BlockRequestEvent();
        e.begin();
        return e;
    }

    void finish(String drive, int type, long sector, long bytes, byte status) {
        end();
        if (shouldCommit()) {
            this.drive = drive;
            this.type = switch (type) {
                case 0 -> "read";
                case 1 -> "write";
                case 4 -> "flush";
                case 8 -> "get_id";
                default -> Integer.toUnsignedString(type);
            };
            this.sector = sector;
            this.bytes = bytes;
            this.status = status;
            commit();
        }
    }
}
