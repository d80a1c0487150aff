package io.orch.agent.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * Applies {@link CrossSiteRules} to each request as its head arrives, before any of its body is
 * read, spooled or aggregated: a refused request gets a 403 (400 for a body that is not JSON, as
 * Docker answers) and its connection closes (its body is dropped unread: {@link EdgeReplies}).
 */
final class CrossSiteGuard extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(CrossSiteGuard.class);

    private final boolean checkHost;

    /** @param checkHost whether this listener is plain-HTTP TCP, where Host must name a loopback address */
    CrossSiteGuard(boolean checkHost) {
        this.checkHost = checkHost;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            Optional<String> refusal = CrossSiteRules.refusal(request.headers(), checkHost);
            if (refusal.isPresent()) {
                boolean ended = msg instanceof LastHttpContent;
                ReferenceCountUtil.release(msg);
                LOG.warn("refused {} {} from {}: {}", request.method(), request.uri(), ctx.channel().remoteAddress(), refusal.get());
                HttpResponseStatus status = refusal.get().startsWith("Content-Type") ? HttpResponseStatus.BAD_REQUEST
                        : HttpResponseStatus.FORBIDDEN;
                EdgeReplies.refuseAndClose(ctx, status, refusal.get(), ended);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }
}
