package dev.panamax.kvm;

import dev.panamax.kvm.sys.Errno;
import dev.panamax.kvm.sys.Libc;
import dev.panamax.kvm.sys.Syscall;
import dev.panamax.kvm.sys.SyscallException;
import dev.panamax.kvm.sys.flock;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A disk image held the way QEMU holds one, so that two VMMs never write the same image: an
 * open-file-description record lock over the whole file ({@code fcntl(F_OFD_SETLK)}), exclusive
 * for a writable drive, shared for a read-only one. Such locks belong to the open file, not the
 * process, so they also keep apart two VMs of one JVM, and they conflict with QEMU's (also OFD
 * record locks) and with any process's {@code fcntl} locks. Closing releases the lock.
 */
public final class ImageLock extends FileDescriptor {
    private ImageLock(int fd) {
        super(fd);
    }

    /**
     * Locks {@code image}: shared ({@code writable} false) or exclusive.
     *
     * @throws ImageLockException naming the file: held by another VM (or QEMU), or not openable
     */
    public static ImageLock acquire(Path image, boolean writable) {
        int fd;
        try {
            fd = open(image.toString(), (writable ? Libc.O_RDWR : Libc.O_RDONLY) | Libc.O_CLOEXEC);
        } catch (SyscallException e) {
            throw new ImageLockException("disk image " + image + ": cannot open to lock it: " + e.getMessage(), e);
        }
        ImageLock lock = new ImageLock(fd);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment request = flock.allocate(a);
            flock.l_type(request, (short) (writable ? Libc.F_WRLCK : Libc.F_RDLCK));
            flock.l_whence(request, (short) Libc.SEEK_SET);
            flock.l_start(request, 0);
            flock.l_len(request, 0); // the whole file, however it grows
            MemorySegment state = Libc.allocateCaptureState(a);
            try {
                Syscall.check("fcntl(F_OFD_SETLK)", Libc.fcntl(state, fd, Libc.F_OFD_SETLK, request), state);
            } catch (SyscallException e) {
                lock.close();
                String errno = Errno.nameOf(e.errno());
                throw new ImageLockException(errno.equals("EAGAIN") || errno.equals("EACCES")
                        ? "disk image " + image + ": in use by another VM (a writable drive needs the image to itself; "
                                + "read-only drives can share it)"
                        : "disk image " + image + ": cannot lock: " + e.getMessage(), e);
            }
        }
        return lock;
    }
}
