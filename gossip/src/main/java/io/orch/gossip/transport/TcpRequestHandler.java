package io.orch.gossip.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.orch.gossip.Address;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Server side of a TCP exchange: one request frame in, one response frame out, then close. */
final class TcpRequestHandler extends SimpleChannelInboundHandler<ByteBuf> {

    private static final Logger LOG = LoggerFactory.getLogger(TcpRequestHandler.class);

    private final PacketCodec codec;
    private final Transport.Inbound inbound;
    private final AtomicLong rejected;

    TcpRequestHandler(PacketCodec codec, Transport.Inbound inbound, AtomicLong rejected) {
        this.codec = codec;
        this.inbound = inbound;
        this.rejected = rejected;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        Address from = new Address(remote.getAddress().getHostAddress(), remote.getPort());
        try {
            inbound.onRequest(from, codec.decode(ByteBufUtil.getBytes(frame))).whenComplete((response, error) -> {
                if (error != null) {
                    LOG.debug("gossip request from {} failed: {}", from, error.toString());
                    ctx.close();
                } else {
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(codec.encode(response)))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            });
        } catch (PacketCodec.RejectedFrameException e) {
            // Wrong key or foreign protocol: say nothing, the caller times out or sees the close.
            rejected.incrementAndGet();
            LOG.debug("refused TCP request from {}: {}", from, e.getMessage());
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("gossip TCP server error", cause);
        ctx.close();
    }
}
