/**
 * The command-line face of Panamax: Firecracker-compatible JSON config, console wiring and exit codes.
 */
package dev.panamax.launcher;
