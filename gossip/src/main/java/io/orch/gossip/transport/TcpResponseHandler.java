package io.orch.gossip.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.orch.gossip.wire.Packet;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/** Client side of a TCP exchange: writes the request when connected, completes with the response frame. */
final class TcpResponseHandler extends SimpleChannelInboundHandler<ByteBuf> {

    private final PacketCodec codec;
    private final byte[] request;
    private final CompletableFuture<Packet> response;

    TcpResponseHandler(PacketCodec codec, byte[] request, CompletableFuture<Packet> response) {
        this.codec = codec;
        this.request = request;
        this.response = response;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(request));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        try {
            response.complete(codec.decode(ByteBufUtil.getBytes(frame)));
        } catch (PacketCodec.RejectedFrameException e) {
            response.completeExceptionally(new IOException("refused response: " + e.getMessage()));
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        response.completeExceptionally(new IOException("connection closed before a response"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        response.completeExceptionally(cause);
        ctx.close();
    }
}
