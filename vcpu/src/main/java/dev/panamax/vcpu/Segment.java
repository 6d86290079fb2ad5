package dev.panamax.vcpu;

/**
 * A segment register's hidden state as KVM takes it ({@code kvm_segment}): what a descriptor in
 * the GDT says, plus the selector that names it.
 */
public record Segment(int selector, long base, int limit, int type, int dpl, boolean present, boolean db,
                      boolean system, boolean longMode, boolean granularity) {

    /** Decodes a GDT descriptor, as the CPU would when {@code selector} is loaded. */
    public static Segment fromDescriptor(int selector, long descriptor) {
        long base = ((descriptor >>> 16) & 0xff_ffffL) | (((descriptor >>> 56) & 0xff) << 24);
        int limit = (int) ((descriptor & 0xffff) | (((descriptor >>> 48) & 0xf) << 16));
        boolean g = ((descriptor >>> 55) & 1) != 0;
        return new Segment(selector, base, g ? (limit << 12) | 0xfff : limit, (int) ((descriptor >>> 40) & 0xf),
                (int) ((descriptor >>> 45) & 3), ((descriptor >>> 47) & 1) != 0, ((descriptor >>> 54) & 1) != 0,
                ((descriptor >>> 44) & 1) != 0, ((descriptor >>> 53) & 1) != 0, g);
    }
}
