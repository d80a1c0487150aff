package io.orch.agent.dns;

import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DnsResponse;

/**
 * Netty's encoder, but only for the responses we build: it claims every
 * {@code AddressedEnvelope}, a {@code DatagramPacket} included, and would fail on the already
 * encoded answers we relay from upstream. Those pass through untouched.
 */
@ChannelHandler.Sharable
final class DnsUdpResponseEncoder extends DatagramDnsResponseEncoder {
    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof AddressedEnvelope<?, ?> envelope && envelope.content() instanceof DnsResponse;
    }
}
