package io.orch.agent.dns;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.DatagramChannel;

/** Builds the pipeline of one UDP listener; does nothing else. */
final class DnsUdpInitializer extends ChannelInitializer<DatagramChannel> {
    private final DnsQueryHandler handler;

    DnsUdpInitializer(DnsQueryHandler handler) {
        this.handler = handler;
    }

    @Override
    protected void initChannel(DatagramChannel ch) {
        ch.pipeline()
                .addLast("encode", new DnsUdpResponseEncoder())
                .addLast("decode", new DnsUdpQueryDecoder())
                .addLast("dns", handler);
    }
}
