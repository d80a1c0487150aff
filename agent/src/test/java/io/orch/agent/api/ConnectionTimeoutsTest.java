package io.orch.agent.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bytes in and out through the real HTTP codec on virtual time: a slow head gets a 408 and the
 * close, an idle connection is closed, and nothing in flight (a request being handled, a body
 * being uploaded, a streamed response) is ever cut.
 */
class ConnectionTimeoutsTest {
    private static final Duration HEAD = Duration.ofSeconds(10);
    private static final Duration IDLE = Duration.ofSeconds(120);

    private final EmbeddedChannel ch = new EmbeddedChannel();

    ConnectionTimeoutsTest() {
        ch.freezeTime();
        ch.pipeline().addLast("http", new HttpServerCodec());
        ch.pipeline().addLast(ConnectionTimeouts.NAME, new ConnectionTimeouts(HEAD, IDLE));
    }

    @AfterEach
    void release() {
        ch.finishAndReleaseAll();
    }

    private void send(String bytes) {
        ch.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII));
    }

    private void after(Duration d) {
        ch.advanceTimeBy(d.toNanos(), TimeUnit.NANOSECONDS);
        ch.runScheduledPendingTasks();
    }

    /** What the server wrote so far, as text. */
    private String written() {
        StringBuilder out = new StringBuilder();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            out.append(((ByteBuf) o).toString(StandardCharsets.UTF_8));
            ReferenceCountUtil.release(o);
        }
        return out.toString();
    }

    /** Drops the decoded request (the handler's part, played by the test). */
    private void takeRequest() {
        Object o;
        while ((o = ch.readInbound()) != null) {
            ReferenceCountUtil.release(o);
        }
    }

    private void answer() {
        DefaultFullHttpResponse ok = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        HttpUtil.setContentLength(ok, 0);
        ch.writeOutbound(ok);
        written();
    }

    @Test
    void aHeadSentOneByteEveryFewSecondsGetsA408AndTheClose() {
        String head = "GET /v1.47/services HTTP/1.1\r\n";
        for (int i = 0; i < 3; i++) {
            send(head.substring(i, i + 1));
            after(Duration.ofSeconds(3));
        }
        assertTrue(ch.isOpen(), "9 s after the first byte");
        send(head.substring(3, 4));
        after(Duration.ofSeconds(1));
        assertFalse(ch.isOpen());
        String out = written();
        assertTrue(out.startsWith("HTTP/1.1 408 Request Timeout\r\n"), out);
        assertTrue(out.endsWith("{\"message\":\"request head not received within 10 s\"}\n"), out);
    }

    @Test
    void aHeadBegunLateInTheIdleTimeHasItsFullTenSeconds() {
        after(IDLE.minusSeconds(1));
        send("G");
        after(Duration.ofSeconds(5));
        assertTrue(ch.isOpen(), "past the idle timeout, within the head's");
        after(Duration.ofSeconds(5));
        assertFalse(ch.isOpen());
        assertTrue(written().startsWith("HTTP/1.1 408 "));
    }

    @Test
    void aRequestBeingHandledIsNeverCut() {
        send("POST /v1.47/services/create HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}");
        takeRequest();
        after(Duration.ofHours(1)); // e.g. waiting for a Raft commit
        assertTrue(ch.isOpen());
        answer();
        after(IDLE.minusMillis(1));
        assertTrue(ch.isOpen());
        after(Duration.ofMillis(1));
        assertFalse(ch.isOpen(), "idle for 120 s after its answer");
        assertEquals("", written(), "an idle connection is closed without an answer");
    }

    @Test
    void anIdleConnectionIsClosedAndEachRequestRestartsTheClock() {
        after(IDLE.minusSeconds(1));
        send("GET /_ping HTTP/1.1\r\n\r\n");
        takeRequest();
        answer();
        after(IDLE.minusSeconds(1));
        assertTrue(ch.isOpen());
        after(Duration.ofSeconds(1));
        assertFalse(ch.isOpen());
    }

    @Test
    void aStreamedResponseIsNeverCut() {
        send("GET /v1.47/services/web/logs?follow=1&stdout=1 HTTP/1.1\r\n\r\n");
        takeRequest();
        DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        HttpUtil.setTransferEncodingChunked(head, true);
        ch.writeOutbound(head);
        for (int i = 0; i < 10; i++) {
            after(Duration.ofHours(1));
            ch.writeOutbound(new DefaultHttpContent(Unpooled.copiedBuffer("line\n", StandardCharsets.UTF_8)));
        }
        after(Duration.ofHours(1)); // silence from a quiet service, too
        assertTrue(ch.isOpen());
        ch.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
        after(IDLE);
        assertFalse(ch.isOpen());
    }

    @Test
    void anUploadInProgressIsNeverCutAndA100ContinueDoesNotEndIt() {
        send("POST /v1.47/images/load HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n");
        ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        for (int i = 0; i < 5; i++) {
            after(Duration.ofMinutes(30));
            send("4\r\ntar!\r\n");
        }
        assertTrue(ch.isOpen());
        send("0\r\n\r\n");
        assertTrue(ch.readInbound() instanceof HttpRequest);
        takeRequest();
        after(Duration.ofHours(1)); // loading the image
        assertTrue(ch.isOpen());
        answer();
        after(IDLE);
        assertFalse(ch.isOpen());
    }

    @Test
    void aHijackedConnectionHasNoTimeouts() {
        send("POST /v1.47/exec/e1/start HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}");
        takeRequest();
        ch.pipeline().remove(ConnectionTimeouts.NAME); // as ApiHandler does when it hands the connection over
        after(Duration.ofHours(5));
        assertTrue(ch.isOpen());
    }

    @Test
    void aHeadThatArrivesInTimeIsServed() {
        send("GET /_ping HTTP/1.1\r\n");
        after(Duration.ofSeconds(9));
        send("Host: localhost\r\n\r\n");
        after(Duration.ofSeconds(5));
        assertTrue(ch.isOpen());
        assertTrue(ch.readInbound() instanceof HttpRequest);
        assertTrue(ch.readInbound() instanceof HttpContent);
    }
}
