package dev.panamax.virtio;

import dev.panamax.device.Counter;
import dev.panamax.device.MetricsGroup;
import dev.panamax.memory.GuestMemoryException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * virtio-rng (virtio 1.x, "Entropy Device"): one request queue; each chain's writable buffers
 * are filled with bytes from {@link SecureRandom} (the host's /dev/urandom on Linux), at most
 * {@link #MAX_BYTES_PER_REQUEST} per request so one guest request cannot keep the event loop
 * busy for long. No features, no configuration space.
 */
public final class RngDevice extends ChainServer {
    /** The most one request gets; the guest asks again for more. */
    public static final int MAX_BYTES_PER_REQUEST = 64 * 1024;

    private static final int DEVICE_TYPE = 4;
    private static final int QUEUE_SIZE = 256;
    private static final int CHUNK = 4096;

    private final SecureRandom random = new SecureRandom();
    private final byte[] chunk = new byte[CHUNK];
    private final Counter requests = new Counter();
    private final Counter bytes = new Counter();

    @Override
    public int deviceType() {
        return DEVICE_TYPE;
    }

    @Override
    public long deviceFeatures() {
        return 0;
    }

    @Override
    public int queueCount() {
        return 1;
    }

    @Override
    public int queueMaxSize() {
        return QUEUE_SIZE;
    }

    @Override
    public long readConfig(int offset, int size) {
        return 0;
    }

    @Override
    public void writeConfig(int offset, int size, long value) {
        // No configuration space.
    }


    /**
     * Fills the writable buffers in order; stops at the cap or at a buffer outside guest RAM,
     * so the used length is always the prefix actually written.
     */
    @Override
    int serve(DescriptorChain chain) {
        int written = 0;
        for (int i = 0; i < chain.count(); i++) {
            if (!chain.isWriteOnly(i)) {
                continue;
            }
            int n = (int) Math.min(chain.length(i), MAX_BYTES_PER_REQUEST - written);
            if (n == 0) {
                if (written == MAX_BYTES_PER_REQUEST) {
                    break;
                }
                continue;
            }
            MemorySegment target;
            try {
                target = memory.slice(chain.address(i), n);
            } catch (GuestMemoryException e) {
                break;
            }
            for (int off = 0; off < n; off += CHUNK) {
                int len = Math.min(CHUNK, n - off);
                random.nextBytes(chunk);
                MemorySegment.copy(chunk, 0, target, ValueLayout.JAVA_BYTE, off, len);
            }
            written += n;
        }
        requests.increment();
        bytes.add(written);
        return written;
    }

    /** Firecracker's {@code entropy} group: requests served and bytes given. */
    @Override
    public Optional<MetricsGroup> metrics() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("entropy_event_count", requests.get());
        counts.put("entropy_bytes", bytes.get());
        return Optional.of(new MetricsGroup("entropy", "entropy", counts));
    }
}
