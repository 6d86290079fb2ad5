package dev.panamax.vmm;

import java.util.HexFormat;

/** An Ethernet MAC address, as Firecracker's {@code guest_mac} spells it: {@code 06:00:ac:10:00:02}. */
public record MacAddress(long bits) {
    public static final int LENGTH = 6;

    public MacAddress {
        if (bits < 0 || bits >= 1L << 48) {
            throw new IllegalArgumentException("a MAC address has 48 bits");
        }
    }

    /** Parses six two-digit hex groups separated by ':'; the message names the text. */
    public static MacAddress parse(String text) {
        String[] groups = text.split(":", -1);
        if (groups.length != LENGTH) {
            throw new IllegalArgumentException("\"" + text + "\" is not a MAC address (six hex pairs separated by ':')");
        }
        long bits = 0;
        for (String g : groups) {
            if (g.length() != 2 || !HexFormat.isHexDigit(g.charAt(0)) || !HexFormat.isHexDigit(g.charAt(1))) {
                throw new IllegalArgumentException("\"" + text + "\" is not a MAC address (six hex pairs separated by ':')");
            }
            bits = bits << 8 | HexFormat.fromHexDigits(g);
        }
        if ((bits >>> 40 & 1) != 0) {
            throw new IllegalArgumentException("\"" + text + "\" is a multicast MAC address; a guest needs a unicast one");
        }
        return new MacAddress(bits);
    }

    /** The six bytes, first octet first (the order of virtio-net's config space). */
    public byte[] octets() {
        byte[] b = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            b[i] = (byte) (bits >>> (8 * (LENGTH - 1 - i)));
        }
        return b;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(17);
        HexFormat hex = HexFormat.of();
        for (byte b : octets()) {
            if (!s.isEmpty()) {
                s.append(':');
            }
            s.append(hex.toHexDigits(b));
        }
        return s.toString();
    }
}
