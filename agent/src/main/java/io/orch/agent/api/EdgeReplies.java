package io.orch.agent.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/**
 * Refusals answered at the edge of the pipeline, before a request reaches the handler (a body
 * too large, a cross-site request, a request head too slow): Docker's error body
 * ({@code {"message": ...}}), then the connection closes, since the rest of the refused request
 * is never read.
 */
final class EdgeReplies {
    private EdgeReplies() {}

    /**
     * Answers and closes: at once when the refused request has ended (its last part was the
     * message being refused); otherwise once the client has stopped sending it (see
     * {@link RefusedRequestDrain}), so that the client reads this answer and not a reset.
     *
     * @param ctx          the refusing handler's context: the drain goes in front of it
     * @param requestEnded whether the client has sent all of the refused request
     */
    static void refuseAndClose(ChannelHandlerContext ctx, HttpResponseStatus status, String message, boolean requestEnded) {
        ChannelFuture answered = ctx.writeAndFlush(response(status, message));
        if (requestEnded || ctx.pipeline().get(RefusedRequestDrain.NAME) != null) {
            answered.addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.pipeline().addBefore(ctx.name(), RefusedRequestDrain.NAME, new RefusedRequestDrain(answered));
        }
    }

    /** Answers and closes now, whatever the client is doing (it has been too slow to finish a request head). */
    static void answerAndClose(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
        ctx.writeAndFlush(response(status, message)).addListener(ChannelFutureListener.CLOSE);
    }

    private static DefaultFullHttpResponse response(HttpResponseStatus status, String message) {
        byte[] body = ("{\"message\":\"" + escape(message) + "\"}\n").getBytes(StandardCharsets.UTF_8);
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, ApiResponse.JSON);
        response.headers().set(HttpHeaderNames.CONNECTION, "close");
        HttpUtil.setContentLength(response, body.length);
        return response;
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
