package dev.panamax.virtio;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** A TAP stand-in: frames queued for the guest, frames the guest sent, the offloads last set. */
final class FakeNetBackend implements NetBackend {
    final Deque<byte[]> incoming = new ArrayDeque<>();
    final List<byte[]> sent = new ArrayList<>();
    Set<Offload> offloads = EnumSet.noneOf(Offload.class);
    /** readFrame calls, and how many of them returned a frame. */
    int reads;
    int framesRead;
    /** writeFrame throws, as a TAP refusing a malformed header does. */
    boolean refuseWrites;

    @Override
    public int readFrame(MemorySegment buffer) {
        reads++;
        byte[] frame = incoming.poll();
        if (frame == null) {
            return -1;
        }
        framesRead++;
        MemorySegment.copy(frame, 0, buffer, JAVA_BYTE, 0, frame.length);
        return frame.length;
    }

    @Override
    public boolean writeFrame(MemorySegment buffer, int length) {
        if (refuseWrites) {
            throw new IllegalArgumentException("write(TAP) failed: EINVAL");
        }
        sent.add(buffer.asSlice(0, length).toArray(JAVA_BYTE));
        return true;
    }

    @Override
    public void setOffloads(Set<Offload> offloads) {
        this.offloads = EnumSet.copyOf(offloads.isEmpty() ? EnumSet.noneOf(Offload.class) : offloads);
    }
}
