/**
 * Panamax's JDK Flight Recorder events, named {@code dev.panamax.*} in the category "Panamax":
 * the VM's lifecycle, each vCPU's exits per second by kind, and the guest's boot time. They cost
 * nothing while no recording runs; {@code panamax --jfr FILE} or
 * {@code -XX:StartFlightRecording} records them, and {@code jfr print --events 'dev.panamax.*'}
 * shows them. The virtio devices' own events (block requests, vsock bursts) live with the
 * devices, in the same category.
 */
package dev.panamax.vmm.jfr;
