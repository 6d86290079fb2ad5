package dev.panamax.vcpu;

/**
 * A segment register's hidden state, field for field as KVM's {@code struct kvm_segment} wants
 * it, decoded from a GDT descriptor. {@code limit} is in bytes, already scaled
 * by the granularity bit (the VMCS takes it that way: a flat 4 GiB segment is 0xffff_ffff).
 * {@code avl} is 0 and {@code unusable} is {@code !present}.
 */
public record Segment(int selector, long base, long limit, int type, int dpl, boolean db, boolean s, boolean l,
        boolean g, boolean present) {

    /** Decodes the 8-byte descriptor at GDT index {@code selector / 8}. */
    public static Segment fromDescriptor(int selector, long descriptor) {
        long base = ((descriptor >>> 16) & 0xff_ffffL) | (((descriptor >>> 56) & 0xff) << 24);
        long rawLimit = (descriptor & 0xffff) | (((descriptor >>> 48) & 0xf) << 16);
        boolean g = bit(descriptor, 55);
        // A page-granular limit counts 4 KiB units and covers the whole last page.
        long limit = g ? (rawLimit << 12) | 0xfff : rawLimit;
        return new Segment(selector, base, limit, (int) (descriptor >>> 40) & 0xf, (int) (descriptor >>> 45) & 0x3,
                bit(descriptor, 54), bit(descriptor, 44), bit(descriptor, 53), g, bit(descriptor, 47));
    }

    private static boolean bit(long value, int index) {
        return (value >>> index & 1) != 0;
    }
}
