package io.orch.api.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes the head of an HTTP/1.1 request as orch's clients send it: one request per connection
 * ({@code Connection: close}), a body always with its type and length, and an explicit empty
 * length on a body-less POST or PUT (some servers wait for one).
 */
public final class RequestHead {
    private RequestHead() {}

    /**
     * @param headers     extra headers, in order (Accept, X-Registry-Auth...)
     * @param contentType the body's media type, or null for no body
     */
    public static void write(OutputStream out, String method, String target, String host, String userAgent,
                             Map<String, String> headers, String contentType, long contentLength) throws IOException {
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n")
                .append("User-Agent: ").append(userAgent).append("\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Connection: close\r\n");
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
            head.append("Content-Length: ").append(contentLength).append("\r\n");
        } else if (method.equals("POST") || method.equals("PUT")) {
            head.append("Content-Length: 0\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
    }
}
