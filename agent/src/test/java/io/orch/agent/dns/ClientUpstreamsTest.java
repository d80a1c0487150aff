package io.orch.agent.dns;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DnsRecordType;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A container's DNSConfig.Nameservers: the names that are not orch's, asked by that container,
 * are forwarded there (Docker's embedded DNS does so); other clients keep the server's upstreams.
 */
class ClientUpstreamsTest {
    private static final InetSocketAddress OWN = new InetSocketAddress(FakeDirectory.v4("10.0.1.9"), 40000);
    private static final InetSocketAddress OTHER = new InetSocketAddress(FakeDirectory.v4("10.0.1.8"), 40000);
    private static final InetSocketAddress SERVER = new InetSocketAddress(FakeDirectory.v4("172.18.0.1"), 53);
    private static final List<InetSocketAddress> NAMESERVERS = List.of(new InetSocketAddress(FakeDirectory.v4("192.0.2.53"), 53));

    @Test
    void aClientWithItsOwnNameserversIsForwardedThere() {
        List<Optional<List<InetSocketAddress>>> forwardedTo = new ArrayList<>();
        DnsForwarder forwarder = new DnsForwarder() {
            @Override
            public CompletableFuture<byte[]> forward(byte[] query, boolean tcp) {
                forwardedTo.add(Optional.empty());
                return new CompletableFuture<>();
            }

            @Override
            public CompletableFuture<byte[]> forward(byte[] query, boolean tcp, List<InetSocketAddress> upstreams) {
                forwardedTo.add(Optional.of(upstreams));
                return new CompletableFuture<>();
            }
        };
        DnsDirectory directory = new FakeDirectory(OWN.getAddress(), OTHER.getAddress()) {
            @Override
            public Optional<List<InetSocketAddress>> upstreams(InetAddress client) {
                return client.equals(OWN.getAddress()) ? Optional.of(NAMESERVERS) : Optional.empty();
            }
        };
        EmbeddedChannel ch = new EmbeddedChannel(new DnsUdpResponseEncoder(), new DnsUdpQueryDecoder(),
                new DnsQueryHandler(directory, forwarder));
        try {
            ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(DnsMessages.query(1, "example.org", DnsRecordType.A)),
                    SERVER, OWN));
            ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(DnsMessages.query(2, "example.org", DnsRecordType.A)),
                    SERVER, OTHER));
            ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(DnsMessages.query(3, "web", DnsRecordType.A)),
                    SERVER, OWN));
            assertEquals(List.of(Optional.of(NAMESERVERS), Optional.empty()), forwardedTo,
                    "orch's own names are still answered locally");
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
