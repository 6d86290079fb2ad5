package dev.panamax.vmm.boot;

import dev.panamax.memory.GuestMemory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** A memory map and the guest RAM it lays out, for one test. */
record Guest(MemoryMap map, GuestMemory mem) implements AutoCloseable {
    static Guest ofMib(long mib) {
        MemoryMap map = MemoryMap.ofMib(mib);
        return new Guest(map, GuestMemory.anonymous(map.ranges()));
    }

    ByteBufferView view(long address, int length) {
        return new ByteBufferView(TestImages.le(mem.read(address, length)));
    }

    /** Little-endian reads relative to a guest address. */
    record ByteBufferView(ByteBuffer b) {
        int u8(int at) {
            return Byte.toUnsignedInt(b.get(at));
        }

        int u16(int at) {
            return Short.toUnsignedInt(b.getShort(at));
        }

        long u32(int at) {
            return Integer.toUnsignedLong(b.getInt(at));
        }

        long u64(int at) {
            return b.getLong(at);
        }

        String ascii(int at, int length) {
            byte[] s = new byte[length];
            b.get(at, s);
            return new String(s, StandardCharsets.US_ASCII);
        }
    }

    @Override
    public void close() {
        mem.close();
    }
}
