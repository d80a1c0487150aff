package io.orch.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Parsing of the three body framings Docker uses, and of its multiplexed stream. */
class StreamingResponseTest {
    private static StreamingResponse parse(String raw) throws IOException {
        return StreamingResponse.read(new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)), false, () -> {});
    }

    private static String body(StreamingResponse r) throws IOException {
        return new String(r.readAll(), StandardCharsets.UTF_8);
    }

    @Test
    void readsAFixedLengthBodyAndStopsAtItsEnd() throws IOException {
        StreamingResponse r = parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nApi-Version: 1.41\r\n\r\nOKtrailing");
        assertEquals(200, r.status());
        assertEquals("1.41", r.header("API-VERSION").orElseThrow());
        assertEquals("OK", body(r));
    }

    @Test
    void decodesAChunkedBodyWithExtensionsAndTrailers() throws IOException {
        StreamingResponse r = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: y\r\n\r\nnext");
        assertEquals("hello 0123456789", body(r));
    }

    @Test
    void aChunkedBodyCutShortIsAnError() throws IOException {
        StreamingResponse r = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
        assertThrows(IOException.class, () -> body(r));
    }

    @Test
    void withoutLengthOrChunkingTheBodyRunsToTheEndOfTheConnection() throws IOException {
        StreamingResponse r = parse("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\nraw bytes");
        assertEquals("raw bytes", body(r));
    }

    @Test
    void noContentHasNoBody() throws IOException {
        assertEquals("", body(parse("HTTP/1.1 204 No Content\r\n\r\n")));
    }

    @Test
    void rejectsWhatIsNotHttp() {
        assertThrows(IOException.class, () -> parse("SSH-2.0-OpenSSH\r\n\r\n"));
    }
}
