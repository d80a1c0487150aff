package io.orch.agent.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Image uploads go to a file chunk by chunk; every other request passes untouched. */
class UploadSpoolerTest {
    @TempDir
    Path dir;

    private static HttpRequest chunkedPost(String uri) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri);
        HttpUtil.setTransferEncodingChunked(r, true);
        return r;
    }

    @Test
    void anImageUploadArrivesAsOneRequestWhoseBodyIsInAFile() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(new UploadSpooler(dir));
        ch.writeInbound(chunkedPost("/v1.47/images/load?quiet=1"));
        ch.writeInbound(new DefaultHttpContent(Unpooled.copiedBuffer("first,", StandardCharsets.UTF_8)));
        ch.writeInbound(new DefaultLastHttpContent(Unpooled.copiedBuffer("second", StandardCharsets.UTF_8)));
        UploadSpooler.SpooledRequest spooled = assertInstanceOf(UploadSpooler.SpooledRequest.class, ch.readInbound());
        assertEquals("/v1.47/images/load?quiet=1", spooled.uri());
        assertEquals(0, spooled.content().readableBytes());
        assertEquals("first,second", Files.readString(spooled.bodyFile()));
        spooled.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void otherRequestsPassThrough() {
        EmbeddedChannel ch = new EmbeddedChannel(new UploadSpooler(dir));
        HttpRequest create = chunkedPost("/services/create");
        ch.writeInbound(create);
        assertSame(create, ch.readInbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void anUploadOverTheLimitIsRefusedWith413AndItsFileRemoved() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(new UploadSpooler(dir, 4));
        ch.writeInbound(chunkedPost("/images/load"));
        ch.writeInbound(new DefaultHttpContent(Unpooled.copiedBuffer("too large", StandardCharsets.UTF_8)));
        FullHttpResponse response = ch.readOutbound();
        assertEquals(413, response.status().code());
        response.release();
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
        // the rest of the upload is dropped unread, then the connection closes (no reset for a client still sending)
        ch.writeInbound(new DefaultHttpContent(Unpooled.copiedBuffer("more", StandardCharsets.UTF_8)));
        assertTrue(ch.isOpen());
        ch.writeInbound(new DefaultLastHttpContent(Unpooled.copiedBuffer("end", StandardCharsets.UTF_8)));
        assertFalse(ch.isOpen());
        assertNull(ch.readInbound(), "nothing of the refused upload goes further");
        ch.finishAndReleaseAll();
    }
}
