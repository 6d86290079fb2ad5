package dev.panamax.vmm;

/** Firecracker's {@code snapshot_type}: what a snapshot's memory file holds. */
public enum SnapshotType {
    /** All of guest RAM. */
    FULL,
    /**
     * Only the pages written since the VM's previous snapshot (or its restore), at their
     * offsets in a RAM-sized sparse file, holes elsewhere; needs dirty-page tracking. Applied
     * over the previous snapshot's memory file ({@link dev.panamax.memory.MemoryDiff#rebase}) it
     * is the memory file of a Full snapshot at this point.
     */
    DIFF
}
