package io.orch.agent.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hijacked connection of {@code POST /exec/{id}/start}: after the {@code 101 UPGRADED}
 * answer the connection carries raw bytes both ways. Client bytes go to the command's stdin (a
 * half-close by the client closes stdin); its stdout and stderr come back as Docker's
 * multiplexed frames, or raw with a terminal. The connection closes once the command has exited
 * and its output is drained. Memory is bounded: reading from the client pauses while more than
 * {@link #MAX_PENDING_STDIN} bytes wait for the command, and output is copied one buffer at a
 * time, each waiting for the socket.
 */
final class ExecStream implements ResponseStream {
    private static final Logger LOG = LoggerFactory.getLogger(ExecStream.class);
    static final int MAX_PENDING_STDIN = 256 * 1024;
    private static final int BUFFER = 32 * 1024;
    private static final byte[] EOF = new byte[0];

    private final ExecSessions.Session session;
    private final ExecSessions sessions;

    ExecStream(ExecSessions sessions, ExecSessions.Session session) {
        this.sessions = sessions;
        this.session = session;
    }

    /** Called by {@link ApiHandler} once the HTTP handlers are gone from the pipeline. */
    @Override
    public void start(Channel channel, boolean keepAlive) {
        channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        var exec = session.process;
        LinkedBlockingQueue<byte[]> stdin = new LinkedBlockingQueue<>();
        AtomicLong pending = new AtomicLong();
        channel.pipeline().addLast("exec-stdin", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    if (msg instanceof ByteBuf buf && session.attachStdin && buf.isReadable()) {
                        byte[] bytes = new byte[buf.readableBytes()];
                        buf.readBytes(bytes);
                        if (pending.addAndGet(bytes.length) > MAX_PENDING_STDIN) {
                            ctx.channel().config().setAutoRead(false); // the command reads slower than the client writes
                        }
                        stdin.add(bytes);
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof ChannelInputShutdownEvent) {
                    stdin.add(EOF);
                }
                ctx.fireUserEventTriggered(evt);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                stdin.add(EOF);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                LOG.debug("exec connection failed: {}", cause.toString());
                ctx.close();
            }
        });
        if (channel instanceof DuplexChannel duplex && duplex.isInputShutdown()) {
            stdin.add(EOF); // the client half-closed before this handler was in place
        }
        channel.config().setAutoRead(true);
        channel.read();
        if (session.attachStdin) {
            sessions.io.execute(() -> copyStdin(stdin, pending, exec.stdin(), channel));
        } else {
            closeQuietly(exec.stdin());
        }
        AtomicInteger open = new AtomicInteger(2);
        Runnable outputDone = () -> {
            if (open.decrementAndGet() == 0) {
                exec.exit().whenComplete((code, e) -> channel.close());
            }
        };
        sessions.io.execute(() -> copyOutput(exec.stdout(), session.attachStdout, 1, channel, outputDone));
        sessions.io.execute(() -> copyOutput(exec.stderr(), session.attachStderr, 2, channel, outputDone));
    }

    /** {@code Detach}: nobody reads the output; it is drained so the command never blocks on a full pipe. */
    void drainDetached() {
        var exec = session.process;
        closeQuietly(exec.stdin());
        sessions.io.execute(() -> copyOutput(exec.stdout(), false, 1, null, () -> { }));
        sessions.io.execute(() -> copyOutput(exec.stderr(), false, 2, null, () -> { }));
    }

    private static void copyStdin(LinkedBlockingQueue<byte[]> queue, AtomicLong pending, OutputStream stdin, Channel channel) {
        try (stdin) {
            while (true) {
                byte[] bytes = queue.take();
                if (bytes == EOF) {
                    return;
                }
                stdin.write(bytes);
                stdin.flush();
                if (pending.addAndGet(-bytes.length) <= MAX_PENDING_STDIN / 2 && !channel.config().isAutoRead()) {
                    channel.config().setAutoRead(true);
                    channel.read();
                }
            }
        } catch (IOException e) {
            LOG.debug("exec stdin closed: {}", e.toString()); // the command exited or closed its stdin
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Copies one output stream to the client (or drains it when not attached, so the command never blocks on it). */
    private void copyOutput(InputStream in, boolean attached, int streamType, Channel channel, Runnable done) {
        byte[] buf = new byte[BUFFER];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (n == 0 || !attached || channel == null || !channel.isActive()) {
                    continue;
                }
                ByteBuf out;
                if (session.spec.tty()) {
                    out = Unpooled.copiedBuffer(buf, 0, n);
                } else {
                    out = Unpooled.buffer(8 + n);
                    out.writeByte(streamType).writeZero(3).writeInt(n).writeBytes(buf, 0, n);
                }
                channel.writeAndFlush(out).awaitUninterruptibly(); // one buffer in flight: the socket paces the command
            }
        } catch (IOException e) {
            LOG.debug("exec output ended: {}", e.toString());
        } finally {
            done.run();
        }
    }

    private static void closeQuietly(OutputStream s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
