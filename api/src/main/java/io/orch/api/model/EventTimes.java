package io.orch.api.model;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The time bounds of {@code docker events --since/--until} and {@code GET /events?since=&until=},
 * in every form Docker takes (its timetypes.GetTimestamp): UNIX seconds with an optional fraction
 * ({@code 1700000000}, {@code 1700000000.000000001}), RFC 3339 ({@code 2026-12-05T10:00:00Z}, with
 * or without fraction and offset; without an offset, and a bare date, in the local zone as Docker
 * reads them), or a Go duration back from now ({@code 10m}, {@code 1h30m}). Shared by the CLI,
 * which sends what it read as UNIX seconds (relative times are the client's), and the API, which
 * takes every form too (relative times are then the server's).
 */
public final class EventTimes {
    private static final Pattern UNIX = Pattern.compile("-?\\d{1,18}(\\.\\d{1,9})?");
    private static final Pattern DURATION = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)"
            + "((\\d+(\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h))*");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
    private static final Map<String, Long> UNIT_NANOS = Map.of(
            "ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L, "ms", 1_000_000L,
            "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

    private EventTimes() {}

    /**
     * @param raw  the value as given; empty (or blank) is no bound
     * @param now  what a relative time counts back from
     * @param zone the zone of an RFC 3339 time without an offset
     * @return the instant, or null for no bound
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Instant parse(String raw, Instant now, ZoneId zone) {
        String v = raw == null ? "" : raw.trim();
        if (v.isEmpty()) {
            return null;
        }
        if (UNIX.matcher(v).matches()) {
            int dot = v.indexOf('.');
            long seconds = Long.parseLong(dot < 0 ? v : v.substring(0, dot));
            long nanos = dot < 0 ? 0 : Long.parseLong((v.substring(dot + 1) + "000000000").substring(0, 9));
            return Instant.ofEpochSecond(seconds, v.startsWith("-") ? -nanos : nanos);
        }
        if (DURATION.matcher(v).matches()) {
            return now.minusNanos(durationNanos(v));
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            // not with an offset: the local forms below
        }
        try {
            return LocalDateTime.parse(v).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            // nor a local date-time: a bare date, or nothing we read
        }
        try {
            return LocalDate.parse(v).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("\"" + raw + "\" is not a time: expected UNIX seconds[.nanoseconds], "
                    + "an RFC 3339 time (2006-01-02T15:04:05Z) or a duration back from now (10m, 1h30m)");
        }
    }

    /** The form the docker CLI sends: {@code seconds.nanoseconds}, nine digits. */
    public static String unixForm(Instant t) {
        long seconds = t.getEpochSecond();
        int nanos = t.getNano();
        if (seconds < 0 && nanos > 0) { // Go's time.Unix(s, n) for an instant before 1970: the fraction goes with the sign
            return "-" + (-(seconds + 1)) + "." + String.format("%09d", 1_000_000_000 - nanos);
        }
        return seconds + "." + String.format("%09d", nanos);
    }

    private static long durationNanos(String v) {
        boolean negative = v.startsWith("-");
        String s = v.startsWith("-") || v.startsWith("+") ? v.substring(1) : v;
        BigInteger total = BigInteger.ZERO;
        var m = DURATION_PART.matcher(s);
        while (m.find()) {
            total = total.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(UNIT_NANOS.get(m.group(2)))).toBigInteger());
        }
        if (total.bitLength() > 63) {
            throw new IllegalArgumentException("\"" + v + "\" is too long a duration");
        }
        return negative ? -total.longValueExact() : total.longValueExact();
    }
}
