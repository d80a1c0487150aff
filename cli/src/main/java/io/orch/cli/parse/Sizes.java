package io.orch.cli.parse;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory sizes the way docker reads them (go-units RAMInBytes): binary multiples, case-insensitive
 * unit letter, optional "i" and "b" ({@code 64m}, {@code 64MiB}, {@code 1.5g}, {@code 512}).
 */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("^(\\d+(?:\\.\\d+)?) ?([kmgtp])?i?b?$");
    private static final String UNITS = "kmgtp";

    private Sizes() {}

    public static long parse(String text) {
        if (text == null) throw new InvalidValueException("invalid size");
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) throw new InvalidValueException("invalid size");
        BigDecimal value = new BigDecimal(m.group(1));
        if (m.group(2) != null) {
            int power = UNITS.indexOf(m.group(2).charAt(0)) + 1;
            value = value.multiply(BigDecimal.valueOf(1024).pow(power));
        }
        try {
            // docker truncates fractional bytes; an overflow is a user error, not a wrap-around
            return value.toBigInteger().longValueExact();
        } catch (ArithmeticException e) {
            throw new InvalidValueException("invalid size: too large");
        }
    }

    /** The shortest exact spelling ("64m" for 67108864, "1000" when no unit divides evenly). */
    public static String format(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative size");
        if (bytes == 0) return "0";
        long value = bytes;
        int unit = -1;
        while (unit < UNITS.length() - 1 && value % 1024 == 0) {
            value /= 1024;
            unit++;
        }
        return unit < 0 ? Long.toString(value) : value + String.valueOf(UNITS.charAt(unit));
    }

    /** Human form for summaries (docker's BytesSize style): "64MiB", "1.5GiB". */
    public static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int i = 0;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        String num = new BigDecimal(v).setScale(4, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
        return num + units[i];
    }
}
