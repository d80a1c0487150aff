package io.orch.cli.testing;

/** A canned answer; {@code chunked} sends the body with Transfer-Encoding: chunked in small pieces. */
public record StubResponse(int status, String body, boolean chunked) {
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
        return new StubResponse(status, body, true);
    }
}
