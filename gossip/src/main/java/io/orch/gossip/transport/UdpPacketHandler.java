package io.orch.gossip.transport;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.orch.gossip.Address;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Decodes datagrams and hands packets to the protocol; refused frames are counted, never answered. */
final class UdpPacketHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    private static final Logger LOG = LoggerFactory.getLogger(UdpPacketHandler.class);

    private final PacketCodec codec;
    private final Transport.Inbound inbound;
    private final AtomicLong rejected;

    UdpPacketHandler(PacketCodec codec, Transport.Inbound inbound, AtomicLong rejected) {
        this.codec = codec;
        this.inbound = inbound;
        this.rejected = rejected;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket datagram) {
        byte[] frame = ByteBufUtil.getBytes(datagram.content());
        Address from = new Address(datagram.sender().getAddress().getHostAddress(), datagram.sender().getPort());
        try {
            inbound.onPacket(from, codec.decode(frame));
        } catch (PacketCodec.RejectedFrameException e) {
            rejected.incrementAndGet();
            LOG.debug("dropped datagram from {}: {}", from, e.getMessage());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // One bad datagram must not close the member's only UDP socket: log and carry on.
        LOG.warn("gossip UDP error", cause);
    }
}
