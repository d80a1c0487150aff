package io.orch.agent.dns;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** One datagram, one {@link DnsRequest}; a datagram that is not a query is dropped here. */
@ChannelHandler.Sharable
final class DnsUdpQueryDecoder extends MessageToMessageDecoder<DatagramPacket> {
    private static final Logger LOG = LoggerFactory.getLogger(DnsUdpQueryDecoder.class);

    DnsUdpQueryDecoder() {
        super(DatagramPacket.class);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) {
        try {
            out.add(DnsRequest.parse(packet.content(), packet.sender(), packet.recipient(), false));
        } catch (CorruptedFrameException e) {
            // Dropped rather than thrown: anyone can send us garbage, and neither a FORMERR
            // (a reflection tool) nor a warning per packet (a log flood) helps anybody.
            LOG.debug("dropped a datagram from {}: {}", packet.sender(), e.getMessage());
        }
    }
}
