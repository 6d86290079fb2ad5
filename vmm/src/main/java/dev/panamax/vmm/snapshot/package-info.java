/**
 * Snapshots: what a paused VM's state is ({@link dev.panamax.vmm.snapshot.SnapshotState}) and the
 * state file that holds it ({@link dev.panamax.vmm.snapshot.SnapshotFile}): a self-describing
 * header (format and Panamax version, the host CPU, the body's length and CRC32C), then the
 * body. Everything is parsed and checked before a restore creates anything. Guest memory is not
 * here: it is its own file ({@link dev.panamax.memory.MemoryImage}).
 */
package dev.panamax.vmm.snapshot;
