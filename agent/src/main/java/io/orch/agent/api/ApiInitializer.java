package io.orch.agent.api;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.EventExecutorGroup;

import java.nio.file.Path;

/**
 * Builds the pipeline of one API connection (unix socket or TCP), once {@link ConnectionCaps}
 * has let it in. One instance per server, shared by its connections.
 */
public final class ApiInitializer extends ChannelInitializer<Channel> {
    /** The name of the TLS handler a TLS listener puts first in the pipeline. */
    public static final String TLS = "tls";

    private final ApiHandler handler;
    private final EventExecutorGroup blockingExecutors;
    private final Path spoolDir;
    private final ApiLimits limits;
    private final ConnectionCaps caps;
    private final boolean loopbackHostCheck;
    private final ClientWarnings crossSiteWarnings = CrossSiteGuard.sharedWarnings();

    /**
     * @param handler           the shared request handler
     * @param blockingExecutors where the handler runs: it blocks on store commits, which must
     *                          never happen on an I/O event loop
     */
    public ApiInitializer(ApiHandler handler, EventExecutorGroup blockingExecutors) {
        this(handler, blockingExecutors, null, ApiLimits.DEFAULTS);
    }

    /**
     * @param spoolDir where image uploads are written before they are loaded (see {@link UploadSpooler});
     *                 null: no spooling, uploads are bounded like every other body
     * @param limits   the bounds on what one connection may send or hold
     */
    public ApiInitializer(ApiHandler handler, EventExecutorGroup blockingExecutors, Path spoolDir, ApiLimits limits) {
        this(handler, blockingExecutors, spoolDir, limits, true);
    }

    /**
     * @param loopbackHostCheck false for a listener whose routes expose no control (the metrics
     *                          listener, on any address): there a Host check guards nothing
     */
    ApiInitializer(ApiHandler handler, EventExecutorGroup blockingExecutors, Path spoolDir, ApiLimits limits,
                   boolean loopbackHostCheck) {
        this.loopbackHostCheck = loopbackHostCheck;
        this.handler = handler;
        this.blockingExecutors = blockingExecutors;
        this.spoolDir = spoolDir;
        this.limits = limits;
        this.caps = new ConnectionCaps(limits.maxConnectionsPerAddress(), limits.maxUnixConnections());
    }

    /** A TCP listener without TLS (the API only allows it on loopback); a unix socket is out of a browser's reach. */
    private static boolean plainTcp(Channel ch) {
        return ch.localAddress() instanceof java.net.InetSocketAddress && ch.pipeline().get(TLS) == null;
    }

    // Netty 4.2 deprecates executor-bound handlers in favour of offloading inside the handler;
    // kept on purpose: it keeps per-connection ordering (one executor per channel) for free.
    @SuppressWarnings("deprecation")
    @Override
    protected void initChannel(Channel ch) {
        if (!caps.admit(ch)) {
            ch.close(); // its client holds too many already: no pipeline, no descriptor kept
            return;
        }
        ch.pipeline().addLast("http", new HttpServerCodec());
        ch.pipeline().addLast(ConnectionTimeouts.NAME, new ConnectionTimeouts(limits.headTimeout(), limits.idleTimeout()));
        // before the body is spooled or aggregated: a refused request's body is never read
        ch.pipeline().addLast("cross-site", new CrossSiteGuard(loopbackHostCheck && plainTcp(ch), crossSiteWarnings));
        if (spoolDir != null) {
            ch.pipeline().addLast("spool-uploads", new UploadSpooler(spoolDir));
        }
        // a 413 the client can read, before the aggregator (whose own is empty, or a reset)
        ch.pipeline().addLast("body-limit", new RequestBodyLimit(limits.maxBodyBytes()));
        ch.pipeline()
                .addLast("aggregate", new HttpObjectAggregator(limits.maxBodyBytes()))
                .addLast(blockingExecutors, "api", handler);
    }
}
