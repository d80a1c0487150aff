package io.orch.agent.api;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.orch.raft.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Answers one aggregated HTTP request: strips the version prefix, routes, turns exceptions into
 * Docker-style errors, and writes the response with Content-Length and the right keep-alive
 * behaviour. Runs on a separate executor group (see {@link ApiInitializer}) because routes block
 * on store commits. Never logs bodies or query strings: they may carry secret data.
 */
@ChannelHandler.Sharable
public final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

    private final Router router;
    private final RequestMetrics metrics;
    private final String serverHeader;

    public ApiHandler(ApiContext context) {
        this(ApiRoutes.build(context), context);
    }

    ApiHandler(Router router, ApiContext context) {
        this(router, context.metrics(), context.orchVersion());
    }

    ApiHandler(Router router, io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry, String orchVersion) {
        this(router, new RequestMetrics(registry), "orch/" + orchVersion);
    }

    ApiHandler(Router router, RequestMetrics metrics, String serverHeader) {
        this.router = router;
        this.metrics = metrics;
        this.serverHeader = serverHeader;
    }

    /** This handler with {@code first}'s routes tried before its own (the swarm lifecycle routes of a node). */
    public ApiHandler withRoutesFirst(Router first) {
        return new ApiHandler(new Router().addAll(first).addAll(router), metrics, serverHeader);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        long start = System.nanoTime();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String route = RequestMetrics.UNMATCHED;
        ApiResponse response;
        if (request.decoderResult().isFailure()) {
            keepAlive = false; // the byte stream is out of step: the connection cannot be reused
            response = ApiResponse.error(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
        } else {
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            Router.Match match = null;
            try {
                ApiVersions.Versioned versioned = ApiVersions.strip(uri.path());
                match = router.match(routedMethod(request.method()), versioned.path());
                if (match == null) {
                    throw ApiException.notFound("page not found");
                }
                route = match.route().template();
                Path spooled = request instanceof UploadSpooler.SpooledRequest s ? s.bodyFile() : null;
                ApiRequest apiRequest = new ApiRequest(request.method(), versioned.path(), match.params(),
                        uri.parameters(), ByteBufUtil.getBytes(request.content()), spooled, request.headers());
                response = match.route().handler().handle(apiRequest);
            } catch (ApiException e) {
                response = ApiResponse.error(e.status(), e.getMessage());
            } catch (StoreException e) {
                response = ApiResponse.error(StoreErrors.status(e), e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("{} {} failed", request.method(), match == null ? "?" : match.route().template(), e);
                response = ApiResponse.error(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                        "internal error: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            }
        }
        if (request instanceof UploadSpooler.SpooledRequest spooled) {
            deleteQuietly(spooled.bodyFile());
        }
        write(ctx, request, response, keepAlive);
        long nanos = System.nanoTime() - start;
        metrics.record(request.method().name(), route, response.status().code(), nanos);
        LOG.debug("{} {} -> {} in {} us", request.method(), route, response.status().code(), nanos / 1000);
    }

    /** HEAD is answered by the GET route with the body left out. */
    private static HttpMethod routedMethod(HttpMethod method) {
        return HttpMethod.HEAD.equals(method) ? HttpMethod.GET : method;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("could not remove the spooled upload {}: {}", file, e.toString());
        }
    }

    private void write(ChannelHandlerContext ctx, FullHttpRequest request, ApiResponse response, boolean keepAlive) {
        boolean head = HttpMethod.HEAD.equals(request.method());
        if (response.stream() instanceof ExecRoutes.Hijack hijack) {
            writeUpgrade(ctx, request, response, hijack);
            return;
        }
        if (response.stream() != null && !head) {
            writeStreaming(ctx, response, keepAlive);
            return;
        }
        byte[] body = head ? new byte[0] : response.body();
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(), Unpooled.wrappedBuffer(body));
        if (response.contentType() != null) {
            out.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        }
        out.headers().set("Api-Version", ApiVersions.CURRENT);
        out.headers().set(HttpHeaderNames.SERVER, serverHeader);
        for (Map.Entry<String, String> h : response.headers().entrySet()) {
            out.headers().set(h.getKey(), h.getValue());
        }
        HttpUtil.setContentLength(out, body.length);
        HttpUtil.setKeepAlive(out, keepAlive);
        var future = ctx.writeAndFlush(out);
        if (!keepAlive) {
            future.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The head now, with chunked encoding; the body is the stream's to write (logs, follow). */
    private void writeStreaming(ChannelHandlerContext ctx, ApiResponse response, boolean keepAlive) {
        HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, response.status());
        if (response.contentType() != null) {
            out.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        }
        out.headers().set("Api-Version", ApiVersions.CURRENT);
        out.headers().set(HttpHeaderNames.SERVER, serverHeader);
        for (Map.Entry<String, String> h : response.headers().entrySet()) {
            out.headers().set(h.getKey(), h.getValue());
        }
        HttpUtil.setTransferEncodingChunked(out, true);
        HttpUtil.setKeepAlive(out, keepAlive);
        ctx.writeAndFlush(out);
        response.stream().start(ctx.channel(), keepAlive);
    }

    /**
     * Docker's hijack ({@code docker exec}, attach): {@code 101 UPGRADED} when the client asked
     * for {@code Upgrade: tcp} (200 for an old client that did not), then the connection stops
     * being HTTP. The client sends its stdin, and half-closes, as soon as it has read the head, so
     * the HTTP handlers must be gone before the head goes out (else they would eat those bytes, or
     * close the connection on the half-close): reading stops, half-closure is allowed, the HTTP
     * handlers leave on the event loop, the head is written there as raw bytes, and only then does
     * the stream take the connection and read again.
     */
    private void writeUpgrade(ChannelHandlerContext ctx, FullHttpRequest request, ApiResponse response,
                              ExecRoutes.Hijack hijack) {
        boolean upgrade = request.headers().containsValue(HttpHeaderNames.CONNECTION, "upgrade", true);
        StringBuilder head = new StringBuilder(upgrade ? "HTTP/1.1 101 UPGRADED\r\n" : "HTTP/1.1 200 OK\r\n");
        head.append("Content-Type: ").append(response.contentType()).append("\r\n")
                .append("Api-Version: ").append(ApiVersions.CURRENT).append("\r\n")
                .append("Server: ").append(serverHeader).append("\r\n");
        if (upgrade) {
            head.append("Connection: Upgrade\r\nUpgrade: tcp\r\n");
        }
        head.append("\r\n");
        var channel = ctx.channel();
        channel.config().setAutoRead(false);
        channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        channel.eventLoop().execute(() -> {
            var pipeline = channel.pipeline();
            for (String name : new String[] {"aggregate", "body-limit", "spool-uploads", "cross-site", ConnectionTimeouts.NAME, "api", "http"}) {
                if (pipeline.get(name) != null) {
                    pipeline.remove(name);
                }
            }
            channel.writeAndFlush(Unpooled.copiedBuffer(head, StandardCharsets.US_ASCII)).addListener(f -> {
                if (f.isSuccess()) {
                    hijack.start(channel, false);
                } else {
                    channel.close();
                }
            });
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.util.concurrent.RejectedExecutionException) {
            // the API is stopping (a role switch, a leave, a stop) under an open connection: expected
            LOG.info("API connection {} closed: the API is stopping", ctx.channel().remoteAddress());
        } else {
            LOG.warn("API connection {} failed; closing it", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}
