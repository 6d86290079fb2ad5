/**
 * virtio devices over the mmio transport: split virtqueues, block, net, vsock and rng.
 */
package dev.panamax.virtio;
