package io.orch.agent.api;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes connections that hold a slot without using it. A request head must be complete within
 * the head timeout of its first byte (a slowloris client sending a header byte every few seconds
 * gets a 408 and the close); a connection with no request in flight is closed after the idle
 * timeout. A request is in flight from its head until both its body has arrived and its
 * response's last part is written, however long that takes: a followed log, an event stream or
 * an image upload is never cut. A hijacked connection (exec, attach) loses this handler with the
 * other HTTP handlers ({@link ApiHandler}). Sits right after the HTTP codec, where it sees
 * request heads and bodies coming in and response parts going out; runs on the event loop, as
 * do its timers. One instance per connection.
 */
final class ConnectionTimeouts extends ChannelDuplexHandler {
    static final String NAME = "timeouts";

    private final Duration headTimeout;
    private final Duration idleTimeout;
    private int unanswered;        // requests whose head arrived and whose response has not ended
    private boolean readingBody;   // a request's head arrived, its last part not yet
    private boolean informational; // the response being written is a 1xx (100 Continue): another follows
    private ScheduledFuture<?> headTimer;
    private ScheduledFuture<?> idleTimer;

    ConnectionTimeouts(Duration headTimeout, Duration idleTimeout) {
        this.headTimeout = headTimeout;
        this.idleTimeout = idleTimeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            startIdle(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (idleTimer == null) {
            startIdle(ctx);
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest) {
            cancelTimers();
            unanswered++;
            readingBody = true;
        }
        if (msg instanceof LastHttpContent) {
            readingBody = false;
            if (idle()) {
                startIdle(ctx); // the response ended before the body did (a refusal)
            }
        }
        super.channelRead(ctx, msg);
    }

    /** After every read from the socket, decoded into a message or not: bytes of a head may have come. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (idle() && headTimer == null) {
            cancelTimers(); // a request is arriving: its head's clock replaces the idle one
            headTimer = ctx.executor().schedule(() -> headTooSlow(ctx), headTimeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        super.channelReadComplete(ctx);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse response) {
            informational = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        }
        if (msg instanceof LastHttpContent && !informational && unanswered > 0) {
            ChannelPromise written = promise.unvoid();
            written.addListener(f -> answered(ctx));
            super.write(ctx, msg, written);
            return;
        }
        super.write(ctx, msg, promise);
    }

    private void answered(ChannelHandlerContext ctx) {
        unanswered--;
        if (idle() && ctx.channel().isActive()) {
            startIdle(ctx);
        }
    }

    private boolean idle() {
        return unanswered == 0 && !readingBody;
    }

    private void startIdle(ChannelHandlerContext ctx) {
        cancelTimers();
        idleTimer = ctx.executor().schedule(() -> {
            if (idle()) {
                ctx.close();
            }
        }, idleTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void headTooSlow(ChannelHandlerContext ctx) {
        if (idle()) {
            EdgeReplies.answerAndClose(ctx, HttpResponseStatus.REQUEST_TIMEOUT,
                    "request head not received within " + text(headTimeout));
        }
    }

    private static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private void cancelTimers() {
        if (headTimer != null) {
            headTimer.cancel(false);
            headTimer = null;
        }
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimers();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimers(); // a hijacked connection: no HTTP timeouts any more
    }
}
