package io.orch.agent.api;

/**
 * The query of a logs request, read the way Docker reads it ({@code stdout}, {@code stderr},
 * {@code follow}, {@code tail}, {@code timestamps}, {@code details}; {@code since}/{@code until}
 * are not supported yet and ignored).
 *
 * @param tail lines per task and stream to start with; negative for all
 */
record LogOptions(boolean stdout, boolean stderr, boolean follow, int tail, boolean timestamps, boolean details) {

    static LogOptions of(ApiRequest request) throws ApiException {
        boolean stdout = request.flag("stdout");
        boolean stderr = request.flag("stderr");
        if (!stdout && !stderr) {
            throw ApiException.badRequest("Bad parameters: you must choose at least one stream");
        }
        return new LogOptions(stdout, stderr, request.flag("follow"), tail(request.query("tail").orElse("all")),
                request.flag("timestamps"), request.flag("details"));
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
}
