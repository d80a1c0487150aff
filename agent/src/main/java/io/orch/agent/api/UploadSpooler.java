package io.orch.agent.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Sits before the {@code HttpObjectAggregator} and takes the bodies of image uploads
 * ({@code POST /images/load}) off it: they are written chunk by chunk to a file in the spool
 * directory and passed on as a {@link SpooledRequest} with an empty in-memory body, so a
 * multi-hundred-megabyte archive never sits in the heap and every other route keeps the
 * aggregator's small bound. One instance per connection (it holds the upload in progress).
 * Chunks are appended on the I/O thread: page-cache writes of at most a few KiB each.
 */
public final class UploadSpooler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(UploadSpooler.class);
    /** Image archives are large but not unbounded: refuse beyond this rather than fill the disk. */
    public static final long MAX_UPLOAD_BYTES = 32L * 1024 * 1024 * 1024;

    private final Path spoolDir;
    private final long maxBytes;
    private HttpRequest current;
    private Path file;
    private FileChannel out;
    private long written;
    private boolean refused; // this connection's upload was refused; it closes

    public UploadSpooler(Path spoolDir) {
        this(spoolDir, MAX_UPLOAD_BYTES);
    }

    UploadSpooler(Path spoolDir, long maxBytes) {
        this.spoolDir = spoolDir;
        this.maxBytes = maxBytes;
    }

    /** True for the requests whose bodies are spooled to disk. */
    static boolean spools(HttpRequest request) {
        if (!HttpMethod.POST.equals(request.method()) || request.decoderResult().isFailure()) {
            return false;
        }
        try {
            return ApiVersions.strip(new QueryStringDecoder(request.uri()).path()).path().equals("/images/load");
        } catch (ApiException e) {
            return false; // an unsupported version: the handler answers that
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (current == null && !refused && msg instanceof HttpRequest request && spools(request)) {
            if (!start(ctx, request)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (!(msg instanceof HttpContent)) {
                return;
            }
        } else if (current == null) {
            if (refused) {
                ReferenceCountUtil.release(msg); // the rest of the message that was refused
            } else {
                ctx.fireChannelRead(msg);
            }
            return;
        }
        if (msg instanceof HttpContent content) {
            try {
                boolean last = content instanceof LastHttpContent;
                if (append(ctx, content.content(), last) && last) {
                    finish(ctx);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /** False when the upload cannot be stored (refused: the connection closes). */
    private boolean start(ChannelHandlerContext ctx, HttpRequest request) {
        try {
            Files.createDirectories(spoolDir);
            file = Files.createTempFile(spoolDir, "upload-", ".tar");
            out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            current = request;
            written = 0;
            if (HttpUtil.is100ContinueExpected(request)) {
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
            }
            return true;
        } catch (IOException e) {
            LOG.warn("cannot spool an upload to {}: {}", spoolDir, e.toString());
            fail(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot store the upload on this node: " + e.getMessage(),
                    request instanceof LastHttpContent);
            return false;
        }
    }

    /** False when the upload was refused (too large, or the disk failed). */
    private boolean append(ChannelHandlerContext ctx, ByteBuf data, boolean last) {
        try {
            written += data.readableBytes();
            if (written > maxBytes) {
                fail(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "upload larger than " + maxBytes + " bytes", last);
                return false;
            }
            while (data.isReadable()) {
                data.readBytes(out, data.readableBytes());
            }
            return true;
        } catch (IOException e) {
            fail(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot store the upload on this node: " + e.getMessage(), last);
            return false;
        }
    }

    private void finish(ChannelHandlerContext ctx) {
        try {
            out.close();
        } catch (IOException e) {
            fail(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot store the upload on this node: " + e.getMessage(), true);
            return;
        }
        SpooledRequest spooled = new SpooledRequest(current, file);
        current = null;
        out = null;
        file = null; // the handler owns it now and deletes it
        ctx.fireChannelRead(spooled);
    }

    /**
     * Answers the error and closes: the stream cannot be resynchronised cheaply. What the client
     * still sends of the refused upload is dropped unread (see {@link EdgeReplies}).
     */
    private void fail(ChannelHandlerContext ctx, HttpResponseStatus status, String message, boolean requestEnded) {
        cleanup();
        refused = true;
        EdgeReplies.refuseAndClose(ctx, status, message, requestEnded);
    }

    private void cleanup() {
        try {
            if (out != null) {
                out.close();
            }
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.debug("could not remove spool file {}: {}", file, e.toString());
        }
        out = null;
        file = null;
        current = null;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cleanup(); // the client went away mid-upload
        super.channelInactive(ctx);
    }

    /** A request whose body is in {@link #bodyFile()} rather than in memory; passes the aggregator untouched. */
    public static final class SpooledRequest extends DefaultFullHttpRequest {
        private final Path bodyFile;

        SpooledRequest(HttpRequest head, Path bodyFile) {
            super(head.protocolVersion(), head.method(), head.uri(), Unpooled.EMPTY_BUFFER);
            headers().set(head.headers());
            this.bodyFile = bodyFile;
        }

        public Path bodyFile() {
            return bodyFile;
        }
    }
}
