package io.orch.cli.parse;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * Go-style durations ({@code 10s}, {@code 1m30s}, {@code 500ms}, {@code 1.5h}) to nanoseconds,
 * because the Docker API carries every duration as integer nanoseconds and docker users type Go
 * durations. Negative durations are rejected: no flag we have gives them a meaning.
 */
public final class Durations {
    private static final Map<String, Long> UNIT_NANOS = Map.of(
            "ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L, "ms", 1_000_000L,
            "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

    private Durations() {}

    public static long parseNanos(String text) {
        if (text == null || text.isEmpty()) throw new InvalidValueException("invalid duration");
        if (text.equals("0")) return 0;
        if (text.startsWith("-")) throw new InvalidValueException("invalid duration: must not be negative");
        String s = text.startsWith("+") ? text.substring(1) : text;
        BigInteger total = BigInteger.ZERO;
        int i = 0;
        if (s.isEmpty()) throw new InvalidValueException("invalid duration");
        while (i < s.length()) {
            int numStart = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
            String number = s.substring(numStart, i);
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') i++;
            String unit = s.substring(unitStart, i);
            if (number.isEmpty() || number.equals(".") || number.chars().filter(c -> c == '.').count() > 1) {
                throw new InvalidValueException("invalid duration");
            }
            if (unit.isEmpty()) throw new InvalidValueException("invalid duration: missing unit");
            Long nanos = UNIT_NANOS.get(unit);
            if (nanos == null) throw new InvalidValueException("invalid duration: unknown unit \"" + unit + "\"");
            total = total.add(new BigDecimal(number).multiply(BigDecimal.valueOf(nanos)).toBigInteger());
        }
        if (total.bitLength() > 63) throw new InvalidValueException("invalid duration: too large");
        return total.longValueExact();
    }

    /** Go's time.Duration.String(): "1h2m3.5s", "1.5ms", "0s". */
    public static String format(long nanos) {
        if (nanos == 0) return "0s";
        String sign = nanos < 0 ? "-" : "";
        BigInteger n = BigInteger.valueOf(nanos).abs();
        if (n.compareTo(BigInteger.valueOf(1_000_000_000L)) < 0) {
            long v = n.longValue();
            if (v < 1_000) return sign + v + "ns";
            if (v < 1_000_000) return sign + decimal(v, 1_000) + "µs";
            return sign + decimal(v, 1_000_000) + "ms";
        }
        BigInteger[] hRest = n.divideAndRemainder(BigInteger.valueOf(3_600_000_000_000L));
        BigInteger[] mRest = hRest[1].divideAndRemainder(BigInteger.valueOf(60_000_000_000L));
        StringBuilder sb = new StringBuilder(sign);
        if (hRest[0].signum() > 0) sb.append(hRest[0]).append('h');
        if (hRest[0].signum() > 0 || mRest[0].signum() > 0) sb.append(mRest[0]).append('m');
        sb.append(decimal(mRest[1].longValue(), 1_000_000_000L)).append('s');
        return sb.toString();
    }

    private static String decimal(long value, long unit) {
        return BigDecimal.valueOf(value).divide(BigDecimal.valueOf(unit)).stripTrailingZeros().toPlainString();
    }
}
