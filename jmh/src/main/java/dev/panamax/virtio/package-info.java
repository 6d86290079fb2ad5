/**
 * JMH benchmarks of the virtio module's hot paths (scripts/bench/jmh.sh): the split virtqueue's
 * pop and publish, a virtio-blk request against a temporary image, a virtio-net frame each
 * way over a stub backend and a vsock data packet each way to a real Unix socket. In the virtio
 * package for the queue's package-private set-up, which the transport does in a VM.
 */
package dev.panamax.virtio;
