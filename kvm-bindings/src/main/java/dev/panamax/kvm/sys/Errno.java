package dev.panamax.kvm.sys;

/** The errno values a VMM meets, by name, so messages say {@code EINVAL} rather than 22. */
public enum Errno {
    EPERM(1), ENOENT(2), EINTR(4), EIO(5), ENXIO(6), E2BIG(7), EBADF(9), EAGAIN(11), ENOMEM(12),
    EACCES(13), EFAULT(14), EBUSY(16), EEXIST(17), ENODEV(19), EINVAL(22), ENFILE(23), EMFILE(24),
    ENOTTY(25), ENOSPC(28), ESPIPE(29), EROFS(30), ERANGE(34), ENOSYS(38), EOPNOTSUPP(95);

    private final int code;

    Errno(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The symbolic name of {@code code}, or {@code "errno N"} for one not listed. */
    public static String nameOf(int code) {
        for (Errno e : values()) {
            if (e.code == code) {
                return e.name();
            }
        }
        return "errno " + code;
    }
}
