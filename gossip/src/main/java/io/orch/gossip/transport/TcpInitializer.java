package io.orch.gossip.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Builds a TCP pipeline: 4-byte length framing, a read deadline, then the exchange handler. */
final class TcpInitializer extends ChannelInitializer<SocketChannel> {

    /** Full state of ~10,000 members fits comfortably. */
    static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;

    private final long readTimeoutMillis;
    private final Supplier<ChannelHandler> handler;

    TcpInitializer(long readTimeoutMillis, Supplier<ChannelHandler> handler) {
        this.readTimeoutMillis = readTimeoutMillis;
        this.handler = handler;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline()
                .addLast(new ReadTimeoutHandler(readTimeoutMillis, TimeUnit.MILLISECONDS))
                .addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME_BYTES, 0, 4, 0, 4))
                .addLast(new LengthFieldPrepender(4))
                .addLast(handler.get());
    }
}
