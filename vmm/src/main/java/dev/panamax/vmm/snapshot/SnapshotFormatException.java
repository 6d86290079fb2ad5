package dev.panamax.vmm.snapshot;

/**
 * A state file that cannot be restored here: not a snapshot, truncated, corrupt, of another
 * format or Panamax version, or from another CPU model. The message is one line naming the file
 * and what differs.
 */
public final class SnapshotFormatException extends Exception {
    public SnapshotFormatException(String message) {
        super(message);
    }

    public SnapshotFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
