package io.orch.cli.client;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/** A fully read HTTP response; header names are lower-cased. */
public record HttpResponse(int status, Map<String, String> headers, byte[] body) {
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
