package io.orch.agent.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** One HTTP response read off a raw socket: the head (lower-cased) and a Content-Length body. */
record RawResponse(int status, String head, String body) {
    static RawResponse read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: " + head);
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String headText = head.toString(StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
        int status = Integer.parseInt(headText.substring(9, 12));
        int length = 0;
        for (String line : headText.split("\r\n")) {
            if (line.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return new RawResponse(status, headText, new String(body, StandardCharsets.UTF_8));
    }
}
