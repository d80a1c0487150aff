package io.orch.agent.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bodies over the limit get a JSON 413; the rest of them is dropped, then the connection closes. */
class RequestBodyLimitTest {
    private static final String REFUSAL = "{\"message\":\"request body larger than 16 bytes, the API's limit (image uploads excepted)\"}\n";

    private final EmbeddedChannel ch = new EmbeddedChannel(new RequestBodyLimit(16));

    private static HttpRequest post(long contentLength) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/services/create");
        if (contentLength < 0) {
            HttpUtil.setTransferEncodingChunked(r, true);
        } else {
            HttpUtil.setContentLength(r, contentLength);
        }
        return r;
    }

    private static HttpContent bytes(int n, boolean last) {
        byte[] b = new byte[n];
        return last ? new DefaultLastHttpContent(Unpooled.wrappedBuffer(b)) : new DefaultHttpContent(Unpooled.wrappedBuffer(b));
    }

    private void assertRefused() {
        FullHttpResponse response = ch.readOutbound();
        assertEquals(413, response.status().code());
        assertEquals("close", response.headers().get("Connection"));
        assertEquals(REFUSAL, response.content().toString(StandardCharsets.UTF_8));
        response.release();
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeTheBodyIsRead() {
        ch.writeInbound(post(17));
        assertRefused();
        assertTrue(ch.isOpen(), "open while the client may still be sending");
        ch.writeInbound(bytes(10, false));
        ch.writeInbound(bytes(7, true));
        assertFalse(ch.isOpen(), "closed once the refused request has ended");
        assertNull(ch.readInbound(), "nothing of the refused request goes further");
    }

    @Test
    void aChunkedBodyIsRefusedWhenItGrowsPastTheLimit() {
        ch.writeInbound(post(-1));
        ch.writeInbound(bytes(16, false));
        assertTrue(ch.readInbound() instanceof HttpRequest);
        ((HttpContent) ch.readInbound()).release();
        ch.writeInbound(bytes(1, false));
        assertRefused();
        ch.writeInbound(bytes(1000, true));
        assertFalse(ch.isOpen());
        assertNull(ch.readInbound());
    }

    @Test
    void aLastPartOverTheLimitClosesOnceAnswered() {
        ch.writeInbound(post(-1));
        ch.readInbound();
        ch.writeInbound(bytes(17, true));
        assertRefused();
        assertFalse(ch.isOpen());
    }

    @Test
    void aClientThatKeepsSendingIsClosedAfterTheDrainLimit() {
        ch.freezeTime();
        ch.writeInbound(post(1_000_000_000));
        assertRefused();
        ch.writeInbound(bytes(1000, false));
        ch.advanceTimeBy(RefusedRequestDrain.DRAIN_LIMIT.toMillis() - 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen());
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertFalse(ch.isOpen());
    }

    @Test
    void bodiesWithinTheLimitAndSpooledUploadsPassUntouched() {
        HttpRequest small = post(16);
        ch.writeInbound(small);
        HttpContent body = bytes(16, true);
        ch.writeInbound(body);
        assertSame(small, ch.readInbound());
        assertSame(body, ch.readInbound());
        body.release();

        UploadSpooler.SpooledRequest upload = new UploadSpooler.SpooledRequest(post(5_000_000_000L), Path.of("upload.tar"));
        ch.writeInbound(upload);
        assertSame(upload, ch.readInbound());
        assertNull(ch.readOutbound());
        assertTrue(ch.isOpen());
        ch.finishAndReleaseAll();
    }
}
