package io.orch.cli.testing;

/** A canned answer; {@code chunked} sends the body with Transfer-Encoding: chunked in small pieces. */
public record StubResponse(int status, String body, boolean chunked, byte[] bytes) {
    public StubResponse(int status, String body, boolean chunked) {
        this(status, body, chunked, null);
    }

    /** A binary body (a multiplexed log stream), sent as is instead of {@code body}. */
    public static StubResponse binary(int status, byte[] bytes) {
        return new StubResponse(status, null, false, bytes);
    }

    public static StubResponse json(int status, String body) {
        return new StubResponse(status, body, false);
    }

    public static StubResponse ok(String body) {
        return json(200, body);
    }

    public static StubResponse error(int status, String message) {
        return json(status, "{\"message\":\"" + message + "\"}");
    }

    public StubResponse chunkedEncoding() {
        return new StubResponse(status, body, true, bytes);
    }
}
