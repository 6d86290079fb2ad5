package dev.panamax.vcpu;

/**
 * Where a vCPU sends the port and MMIO accesses KVM leaves to userspace: the machine's buses.
 * Called on the vCPU's thread, once per access; implementations must not allocate per call.
 */
public interface ExitHandler {
    /** An IN of {@code size} bytes (1, 2 or 4) from {@code port}. */
    int pioRead(int port, int size);

    /** An OUT of {@code size} bytes to {@code port}. */
    void pioWrite(int port, int size, int value);

    /** A load of {@code size} bytes (1 to 8) from guest-physical {@code address} outside RAM. */
    long mmioRead(long address, int size);

    /** A store of {@code size} bytes to guest-physical {@code address} outside RAM. */
    void mmioWrite(long address, int size, long value);
}
