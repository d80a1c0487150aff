package io.orch.agent.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.orch.api.concurrent.Ticker;

import java.time.Duration;
import java.util.Optional;

/**
 * Applies {@link CrossSiteRules} to each request as its head arrives, before any of its body is
 * read, spooled or aggregated: a refused request gets a 403 (400 for a body that is not JSON, as
 * Docker answers) and its connection closes (its body is dropped unread: {@link EdgeReplies}).
 */
final class CrossSiteGuard extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(CrossSiteGuard.class);

    /** One refusal line per client a minute: a page that keeps trying must not flood the log. */
    static final Duration WARN_EVERY = Duration.ofMinutes(1);

    private final boolean checkHost;
    private final ClientWarnings warnings;

    /**
     * @param checkHost whether this listener is plain-HTTP TCP, where Host must name a loopback address
     * @param warnings  where refusals are logged, shared by the server's connections
     */
    CrossSiteGuard(boolean checkHost, ClientWarnings warnings) {
        this.checkHost = checkHost;
        this.warnings = warnings;
    }

    /** The warnings a server's guards share: this class's logger, throttled per client. */
    static ClientWarnings sharedWarnings() {
        return new ClientWarnings(WARN_EVERY, Ticker.system(), LOG::warn);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            Optional<String> refusal = CrossSiteRules.refusal(request.headers(), checkHost);
            if (refusal.isPresent()) {
                boolean ended = msg instanceof LastHttpContent;
                ReferenceCountUtil.release(msg);
                Object client = ClientWarnings.clientOf(ctx.channel());
                warnings.warn(client, () -> "refused " + request.method() + " " + request.uri() + " from "
                        + ClientWarnings.name(client) + ": " + refusal.get() + " (its further refusals are not logged for a minute)");
                HttpResponseStatus status = refusal.get().startsWith("Content-Type") ? HttpResponseStatus.BAD_REQUEST
                        : HttpResponseStatus.FORBIDDEN;
                EdgeReplies.refuseAndClose(ctx, status, refusal.get(), ended);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }
}
