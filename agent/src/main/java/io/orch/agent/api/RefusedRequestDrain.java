package io.orch.agent.api;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What is left of a refused request after its answer: everything the client still sends is
 * dropped unread, and the connection closes once the answer is out and either the request's
 * last part arrived or {@link #DRAIN_LIMIT} passed. Closing a socket with unread bytes makes the
 * kernel send a reset, and a client that writes its whole body before it reads (most do) then
 * sees "connection reset" instead of the answer. Put in front of the handler that refused, by
 * {@link EdgeReplies}; one per refused connection.
 */
final class RefusedRequestDrain extends ChannelInboundHandlerAdapter {
    static final String NAME = "drain";
    /**
     * How long a client may go on sending a refused body: 100 MB on loopback takes well under a
     * second; a client slower than that loses its answer rather than holding the connection.
     */
    static final Duration DRAIN_LIMIT = Duration.ofSeconds(10);

    private final ChannelFuture answered;
    private ScheduledFuture<?> deadline;
    private boolean closing;

    RefusedRequestDrain(ChannelFuture answered) {
        this.answered = answered;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> close(ctx), DRAIN_LIMIT.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        boolean last = msg instanceof LastHttpContent;
        ReferenceCountUtil.release(msg);
        if (last) {
            close(ctx);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        deadline.cancel(false);
        super.channelInactive(ctx);
    }

    private void close(ChannelHandlerContext ctx) {
        if (closing) {
            return;
        }
        closing = true;
        deadline.cancel(false);
        answered.addListener(ChannelFutureListener.CLOSE);
    }
}
