package dev.panamax.vmm;

import dev.panamax.kvm.Tap;
import dev.panamax.kvm.sys.if_tun_h;
import dev.panamax.virtio.NetBackend;

import java.lang.foreign.MemorySegment;
import java.util.Set;

/** A virtio-net device's host end on a TAP interface: frames as they are, offloads as TUNSETOFFLOAD bits. */
record TapBackend(Tap tap) implements NetBackend {
    @Override
    public int readFrame(MemorySegment buffer) {
        return tap.read(buffer);
    }

    @Override
    public boolean writeFrame(MemorySegment buffer, int length) {
        return tap.write(buffer, length);
    }

    @Override
    public void setOffloads(Set<Offload> offloads) {
        tap.setOffloads(tunFlags(offloads));
    }

    static int tunFlags(Set<Offload> offloads) {
        int flags = 0;
        for (Offload o : offloads) {
            flags |= switch (o) {
                case CSUM -> if_tun_h.TUN_F_CSUM;
                case TSO4 -> if_tun_h.TUN_F_TSO4;
                case TSO6 -> if_tun_h.TUN_F_TSO6;
                case UFO -> if_tun_h.TUN_F_UFO;
            };
        }
        return flags;
    }
}
