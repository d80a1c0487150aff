package io.orch.cli.testing;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What a stub server received. {@code target} is the raw request target (path + query). */
public record RecordedRequest(String method, String target, Map<String, String> headers, byte[] body) {
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The target with the query percent-decoded, as it reads in docker-cli-28-requests.txt. */
    public String decodedTarget() {
        return java.net.URLDecoder.decode(target.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return method + " " + decodedTarget();
    }
}
