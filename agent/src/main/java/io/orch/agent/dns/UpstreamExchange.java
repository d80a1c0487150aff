package io.orch.agent.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One question to one upstream resolver, on its own short-lived socket: a fresh source port per
 * query (with the random id, what makes a spoofed answer hard to land), and nothing to match up
 * between concurrent queries. Everything runs on the given event loop; nothing blocks.
 */
final class UpstreamExchange {
    /** EDNS answers can be up to 64 KiB; Netty's datagram default of 2 KiB would cut them. */
    private static final int MAX_UDP_ANSWER = 65535;

    private UpstreamExchange() {
    }

    /**
     * Sends {@code query} (whose id is {@code id}) and completes with the first answer carrying
     * that id, or exceptionally on error or after {@code timeout}. The socket is then closed.
     */
    static CompletableFuture<byte[]> ask(EventLoop loop, InetSocketAddress upstream, byte[] query, int id,
                                         boolean tcp, Duration timeout) {
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        Bootstrap b = new Bootstrap().group(loop);
        if (tcp) {
            b.channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, timeout.toMillis()))
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline()
                                    .addLast(new LengthFieldBasedFrameDecoder(65535, 0, 2, 0, 2))
                                    .addLast(new LengthFieldPrepender(2))
                                    .addLast(new AnswerHandler<>(ByteBuf.class, id, answer));
                        }
                    });
        } else {
            // Connected, so the kernel drops datagrams from anyone but the upstream, and an ICMP
            // port-unreachable fails the exchange at once instead of after the timeout.
            b.channel(NioDatagramChannel.class)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_UDP_ANSWER))
                    .handler(new AnswerHandler<>(DatagramPacket.class, id, answer));
        }
        ChannelFuture connect = b.connect(upstream);
        Channel ch = connect.channel();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                answer.completeExceptionally(f.cause());
            } else if (tcp) {
                ch.writeAndFlush(Unpooled.wrappedBuffer(query));
            } else {
                ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(query), upstream));
            }
        });
        ScheduledFuture<?> deadline = loop.schedule(
                () -> answer.completeExceptionally(new TimeoutException("no answer from " + upstream + " in " + timeout)),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        answer.whenComplete((a, e) -> {
            deadline.cancel(false);
            ch.close();
        });
        return answer;
    }

    /** Completes the exchange with the first message that answers our id; ignores the rest. */
    private static final class AnswerHandler<T> extends SimpleChannelInboundHandler<T> {
        private final int id;
        private final CompletableFuture<byte[]> answer;

        AnswerHandler(Class<T> type, int id, CompletableFuture<byte[]> answer) {
            super(type);
            this.id = id;
            this.answer = answer;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, T msg) {
            ByteBuf content = msg instanceof DatagramPacket p ? p.content() : (ByteBuf) msg;
            if (content.readableBytes() >= DnsRequest.HEADER_BYTES
                    && content.getUnsignedShort(content.readerIndex()) == id
                    && (content.getByte(content.readerIndex() + 2) & 0x80) != 0) {
                answer.complete(ByteBufUtil.getBytes(content));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            answer.completeExceptionally(new java.io.IOException("upstream closed the connection"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            answer.completeExceptionally(cause);
            ctx.close();
        }
    }
}
