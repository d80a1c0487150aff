package io.orch.agent.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;

/**
 * RFC 7766 framing (a two-byte length before each message) to {@link DnsRequest}s. A frame that
 * is not a query is dropped and the connection kept: the framing itself is still intact.
 */
final class DnsTcpQueryDecoder extends LengthFieldBasedFrameDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(DnsTcpQueryDecoder.class);

    DnsTcpQueryDecoder() {
        super(65535, 0, 2, 0, 2);
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        ByteBuf frame = (ByteBuf) super.decode(ctx, in);
        if (frame == null) {
            return null;
        }
        try {
            return DnsRequest.parse(frame, (InetSocketAddress) ctx.channel().remoteAddress(),
                    (InetSocketAddress) ctx.channel().localAddress(), true);
        } catch (CorruptedFrameException e) {
            LOG.debug("dropped a TCP message from {}: {}", ctx.channel().remoteAddress(), e.getMessage());
            return null;
        } finally {
            frame.release();
        }
    }
}
