/**
 * virtio-vsock with Firecracker's host side: {@link dev.panamax.virtio.vsock.VsockDevice} is the
 * virtio device (type 19, queues RX, TX and event), and a muxer connects its streams to Unix
 * sockets. A host process connects to {@code uds_path}, writes {@code CONNECT <port>\n} and, once
 * the guest accepts, reads {@code OK <host port>\n} (host ports count up from 2^30) before the
 * stream's bytes; a guest connecting to the host (CID 2) port P reaches the Unix socket
 * {@code <uds_path>_<P>}, and gets an RST when nobody listens there.
 *
 * <p>Flow control is the protocol's credit, both ways: the guest is never sent more than its
 * advertised {@code buf_alloc} allows, and host sockets are only read while it has credit (so a
 * slow guest slows the host process down, as TCP would); the host advertises a 256 KiB window
 * per stream, holds at most that much for a host socket that does not keep up (its
 * {@code fwd_cnt} stands still meanwhile), and resets a stream whose guest sends past it. So
 * memory per stream is bounded, and so are the streams (4096) and the RSTs waiting for RX
 * buffers: a hostile guest cannot make the host grow without bound.
 *
 * <p>Threads: guest memory is only touched from the VMM's event loop, inside
 * {@code VirtioDevice.process} under the transport's device lock (and so not while the VM is
 * paused). Host socket readiness comes from a Java NIO {@link java.nio.channels.Selector} on
 * one {@code vsock-io} thread that does no I/O itself: it hands ready keys to the event loop
 * through a wake callback (an eventfd the loop watches, whose handler processes the RX queue)
 * and waits until they are taken. Reads from host sockets go straight into the guest's RX
 * buffers, and guest payloads are written to host sockets straight from guest memory; bytes
 * are copied only when a host socket does not take them all at once.
 */
package dev.panamax.virtio.vsock;
