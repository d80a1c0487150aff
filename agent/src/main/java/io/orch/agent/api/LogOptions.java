package io.orch.agent.api;

import io.orch.agent.logs.LogQuery;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The query of a logs request, read the way Docker reads it ({@code stdout}, {@code stderr},
 * {@code follow}, {@code tail}, {@code timestamps}, {@code details}, {@code since}, {@code until}).
 *
 * @param tail  lines per task and stream to start with; negative for all
 * @param since only lines at or after this, or null
 * @param until only lines at or before this, or null
 */
record LogOptions(boolean stdout, boolean stderr, boolean follow, int tail, boolean timestamps, boolean details,
                  Instant since, Instant until) {

    LogOptions(boolean stdout, boolean stderr, boolean follow, int tail, boolean timestamps, boolean details) {
        this(stdout, stderr, follow, tail, timestamps, details, null, null);
    }

    static LogOptions of(ApiRequest request) throws ApiException {
        boolean stdout = request.flag("stdout");
        boolean stderr = request.flag("stderr");
        if (!stdout && !stderr) {
            throw ApiException.badRequest("Bad parameters: you must choose at least one stream");
        }
        Instant since = time("since", request.query("since").orElse(""));
        Instant until = time("until", request.query("until").orElse(""));
        if (since != null && until != null && until.isBefore(since)) {
            throw ApiException.badRequest("invalid until: it is before since");
        }
        return new LogOptions(stdout, stderr, request.flag("follow"), tail(request.query("tail").orElse("all")),
                request.flag("timestamps"), request.flag("details"), since, until);
    }

    LogQuery query() {
        return new LogQuery(stdout, stderr, follow, tail, since, until, timestamps);
    }

    /** "all", empty or a negative number: everything; a non-number is refused (Docker ignores it; a typo should say so). */
    static int tail(String raw) throws ApiException {
        String v = raw.trim();
        if (v.isEmpty() || v.equalsIgnoreCase("all")) {
            return -1;
        }
        try {
            return (int) Math.max(-1, Math.min(Integer.MAX_VALUE, Long.parseLong(v)));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid tail \"" + raw + "\": expected a number of lines or \"all\"");
        }
    }

    /**
     * A time bound as the docker CLI sends it (UNIX seconds with an optional fraction,
     * {@code 1700000000.000000001}) or as RFC 3339; empty or 0 is no bound, as in Docker.
     */
    static Instant time(String field, String raw) throws ApiException {
        String v = raw.trim();
        if (v.isEmpty()) {
            return null;
        }
        if (v.matches("-?\\d{1,18}(\\.\\d{1,9})?")) {
            int dot = v.indexOf('.');
            long seconds = Long.parseLong(dot < 0 ? v : v.substring(0, dot));
            long nanos = dot < 0 ? 0 : Long.parseLong((v.substring(dot + 1) + "000000000").substring(0, 9));
            if (seconds == 0 && nanos == 0) {
                return null;
            }
            return Instant.ofEpochSecond(seconds, nanos); // as Go's time.Unix(sec, nsec)
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid " + field + " \"" + raw
                    + "\": expected a UNIX timestamp (seconds[.nanoseconds]) or an RFC 3339 time");
        }
    }
}
