package dev.panamax.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * {@code machine-config.cpuid_feature_mask}, Panamax's: 64 bits, written in JSON either as an
 * integer in 0..2^64-1 or, since JSON readers tend to lose integers that large, as a string of 1
 * to 16 hex digits after {@code 0x}, with {@code _} allowed between digits
 * ({@code "0xffffffff_ffffffff"}). Written back as such a string.
 */
record FeatureMask(long bits) {
    private static final Pattern HEX = Pattern.compile("0[xX][0-9a-fA-F]+(_[0-9a-fA-F]+)*");
    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    /** Reads either spelling; anything else is refused in this type's words (see {@link JsonProblems}). */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static FeatureMask fromJson(JsonNode v) {
        BigInteger n = v.isIntegralNumber() ? v.bigIntegerValue() : v.isTextual() ? parseHex(v.textValue()) : null;
        if (n == null || n.signum() < 0 || n.compareTo(TWO_TO_64) >= 0) {
            throw new IllegalArgumentException("expected a 64-bit mask (an integer in 0..2^64-1 or a hex string like "
                    + "\"0xffffffff_ffffffff\"), got " + Show.value(v));
        }
        return new FeatureMask(n.longValue());
    }

    private static BigInteger parseHex(String s) {
        if (!HEX.matcher(s).matches()) {
            return null;
        }
        String digits = s.substring(2).replace("_", "");
        return digits.length() > 16 ? null : new BigInteger(digits, 16);
    }

    @JsonValue
    String toJson() {
        return String.format("0x%08x_%08x", bits >>> 32, bits & 0xffff_ffffL);
    }
}
