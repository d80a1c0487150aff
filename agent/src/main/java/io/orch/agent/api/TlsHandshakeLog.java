package io.orch.agent.api;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Right behind the TLS handler of the TCP API: a refused handshake (no client certificate, a
 * foreign CA, a node's certificate, plain HTTP on a TLS port) is one log line saying why, at most
 * one a second (a client retrying in a loop must not flood the log), and the connection closes;
 * not a stack trace from the request handler. The reasons are the trust check's own messages,
 * which name certificates, never keys.
 */
@ChannelHandler.Sharable
final class TlsHandshakeLog extends ChannelInboundHandlerAdapter {
    static final String NAME = "tls-log";
    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeLog.class);
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
            refused(ctx, done.cause());
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof SSLException) {
            refused(ctx, root); // the handshake event says the same; the connection is closing
            return;
        }
        super.exceptionCaught(ctx, cause);
    }

    private void refused(ChannelHandlerContext ctx, Throwable cause) {
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastLogged.compareAndSet(last, now)) {
            LOG.info("API TLS connection from {} refused: {}", ctx.channel().remoteAddress(), reason(cause));
        }
        ctx.close();
    }

    /** The innermost message: the trust check's reason rather than the TLS engine's wrapping. */
    static String reason(Throwable cause) {
        Throwable t = cause;
        String message = String.valueOf(t.getMessage());
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }
}
