package dev.panamax.kvm;

import dev.panamax.kvm.sys.Errno;
import dev.panamax.kvm.sys.Libc;
import dev.panamax.kvm.sys.SyscallException;
import dev.panamax.kvm.sys.if_tun_h;
import dev.panamax.kvm.sys.ifreq;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * An existing TAP interface attached through {@code /dev/net/tun}, as the host end of a
 * virtio-net device: frames move with a {@link #VNET_HDR_SIZE}-byte virtio_net_hdr in front
 * (IFF_VNET_HDR), so checksum and segmentation offload metadata passes between guest and host
 * kernel untouched. One queue (no IFF_MULTI_QUEUE), non-blocking: {@link #read} and
 * {@link #write} never wait, and reuse buffers made once, so they do not allocate. Both are for
 * one thread at a time (the VMM's event loop); each has its own errno capture state.
 */
public final class Tap extends FileDescriptor {
    /** virtio 1.x's virtio_net_hdr with num_buffers: what every frame starts with. */
    public static final int VNET_HDR_SIZE = 12;

    private static final Path SYS_CLASS_NET = Path.of("/sys/class/net");
    private static final String TUN_DEVICE = "/dev/net/tun";

    private final String name;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment readState = Libc.allocateCaptureState(arena);
    private final MemorySegment writeState = Libc.allocateCaptureState(arena);

    private Tap(int fd, String name) {
        super(fd);
        this.name = name;
    }

    /**
     * Attaches to the TAP interface {@code name}, which must exist already: TUNSETIFF would
     * create a missing one when run with CAP_NET_ADMIN, and a VMM must not make interfaces the
     * host's network setup knows nothing of.
     *
     * @throws TapException naming the interface: it does not exist, another process holds it,
     *                      it is not a single-queue TAP, or a call failed
     */
    public static Tap open(String name) {
        if (name.isEmpty() || name.length() >= if_tun_h.IFNAMSIZ || name.contains("/") || name.equals(".")
                || name.equals("..") || !name.chars().allMatch(c -> c > ' ' && c < 0x7F)) {
            throw new TapException("TAP \"" + name + "\" is not an interface name (1 to " + (if_tun_h.IFNAMSIZ - 1)
                    + " printable ASCII characters, no '/')", null);
        }
        if (!Files.exists(SYS_CLASS_NET.resolve(name))) {
            throw new TapException("TAP " + name + " does not exist", null);
        }
        int fd;
        try {
            fd = open(TUN_DEVICE, Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        } catch (SyscallException e) {
            throw new TapException("TAP " + name + ": " + e.getMessage(), e);
        }
        Tap tap = new Tap(fd, name);
        try {
            tap.attach();
            return tap;
        } catch (RuntimeException e) {
            tap.close();
            throw e;
        }
    }

    private void attach() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment request = ifreq.allocate(a);
            ifreq.ifr_name(request, name);
            ifreq.ifr_flags(request, (short) (if_tun_h.IFF_TAP | if_tun_h.IFF_NO_PI | if_tun_h.IFF_VNET_HDR));
            try {
                ioctl("TUNSETIFF", if_tun_h.TUNSETIFF, request);
            } catch (SyscallException e) {
                throw new TapException(switch (Errno.nameOf(e.errno())) {
                    case "EBUSY" -> "TAP " + name + " is in use by another process";
                    // an existing interface of another kind, or a TAP made with other flags
                    case "EINVAL" -> "TAP " + name + " is not a single-queue TAP interface";
                    default -> "TAP " + name + ": " + e.getMessage();
                }, e);
            }
            MemorySegment size = a.allocate(JAVA_INT);
            size.set(JAVA_INT, 0, VNET_HDR_SIZE);
            try {
                ioctl("TUNSETVNETHDRSZ", if_tun_h.TUNSETVNETHDRSZ, size);
            } catch (SyscallException e) {
                throw new TapException("TAP " + name + ": " + e.getMessage(), e);
            }
        }
    }

    /** The interface's name. */
    public String name() {
        return name;
    }

    /**
     * TUNSETOFFLOAD: which offloads frames read from the TAP may use, a mask of
     * {@code if_tun_h.TUN_F_*}; set it to what the guest accepted (its GUEST_CSUM, GUEST_TSO4,
     * ...). The kernel refuses TSO or UFO without TUN_F_CSUM.
     *
     * @throws TapException naming the interface when the kernel refuses the mask
     */
    public void setOffloads(int tunFlags) {
        try {
            ioctl("TUNSETOFFLOAD", if_tun_h.TUNSETOFFLOAD, Integer.toUnsignedLong(tunFlags));
        } catch (SyscallException e) {
            throw new TapException("TAP " + name + ": offloads 0x" + Integer.toHexString(tunFlags) + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Reads one frame (virtio_net_hdr, then the Ethernet frame) into {@code buffer}; a frame
     * longer than the buffer is cut short by the kernel.
     *
     * @return the bytes read, or -1 when no frame is waiting (EAGAIN): nothing now, not an error
     * @throws SyscallException for any other failure
     */
    public int read(MemorySegment buffer) {
        long n = Libc.read(readState, fd(), buffer, buffer.byteSize());
        if (n < 0) {
            int errno = Libc.errno(readState);
            if (errno == Errno.EAGAIN.code()) {
                return -1;
            }
            throw new SyscallException("read(TAP " + name + ")", errno);
        }
        return (int) n;
    }

    /**
     * Writes one frame: the first {@code length} bytes of {@code buffer} (virtio_net_hdr, then
     * the Ethernet frame). A TAP takes a frame whole or not at all.
     *
     * @return whether the kernel took it; false when it could not now (EAGAIN): the frame is dropped
     * @throws SyscallException when the kernel refuses it, e.g. EINVAL for a malformed header
     */
    public boolean write(MemorySegment buffer, long length) {
        if (length < 0 || length > buffer.byteSize()) {
            throw new IndexOutOfBoundsException("frame of " + length + " bytes in a buffer of " + buffer.byteSize());
        }
        long n = Libc.write(writeState, fd(), buffer, length);
        if (n < 0) {
            int errno = Libc.errno(writeState);
            if (errno == Errno.EAGAIN.code()) {
                return false;
            }
            throw new SyscallException("write(TAP " + name + ")", errno);
        }
        return true;
    }

    @Override
    void afterClose() {
        arena.close();
    }
}
