package io.orch.cli.parse;

import java.math.BigDecimal;

/** Decimal CPU counts ({@code 0.5}, {@code 2}) to the API's NanoCPUs, like docker's NanoCPUs flag. */
public final class Cpus {
    private Cpus() {}

    public static long parseNanoCpus(String text) {
        BigDecimal cpus;
        try {
            cpus = new BigDecimal(text.trim());
        } catch (NumberFormatException | NullPointerException e) {
            throw new InvalidValueException("invalid CPU count");
        }
        if (cpus.signum() < 0) throw new InvalidValueException("invalid CPU count: must not be negative");
        BigDecimal nanos = cpus.movePointRight(9);
        if (nanos.stripTrailingZeros().scale() > 0) throw new InvalidValueException("invalid CPU count: too precise");
        try {
            return nanos.longValueExact();
        } catch (ArithmeticException e) {
            throw new InvalidValueException("invalid CPU count: too large");
        }
    }

    public static String format(long nanoCpus) {
        return BigDecimal.valueOf(nanoCpus).movePointLeft(9).stripTrailingZeros().toPlainString();
    }
}
