package io.orch.agent.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Refuses a request whose body is larger than the limit with a 413 in Docker's JSON, as soon as
 * that is known: from its Content-Length before any of the body is read, or once a chunked body
 * grows past it. Sits before the {@code HttpObjectAggregator}, whose own refusal is an empty 413
 * and, for a chunked body, a close while the client is still sending (the client sees a reset).
 * Image uploads never reach it as a body: {@link UploadSpooler} has already taken them to disk.
 * One instance per connection (it counts the body in progress).
 */
final class RequestBodyLimit extends ChannelInboundHandlerAdapter {
    private final long maxBytes;
    private long received;
    private boolean refused; // this connection's request was refused; it closes

    RequestBodyLimit(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof UploadSpooler.SpooledRequest) {
            ctx.fireChannelRead(msg); // its body is on disk, under the spooler's own limit
            return;
        }
        if (msg instanceof HttpRequest request) {
            received = 0;
            if (!request.decoderResult().isFailure() && declaredLength(request) > maxBytes) {
                refuse(ctx, msg);
                return;
            }
        }
        if (msg instanceof HttpContent content) {
            received += content.content().readableBytes();
            if (received > maxBytes) {
                refuse(ctx, msg);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** The Content-Length, or -1 when there is none (chunked) or it is not a number (the handler answers that). */
    private static long declaredLength(HttpRequest request) {
        try {
            return HttpUtil.getContentLength(request, -1L);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void refuse(ChannelHandlerContext ctx, Object msg) {
        boolean ended = msg instanceof LastHttpContent;
        ReferenceCountUtil.release(msg);
        refused = true;
        EdgeReplies.refuseAndClose(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "request body larger than " + mebibytes(maxBytes) + ", the API's limit (image uploads excepted)", ended);
    }

    private static String mebibytes(long bytes) {
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB" : bytes + " bytes";
    }
}
