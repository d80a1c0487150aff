package io.orch.agent.dns;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static io.orch.agent.dns.DnsMessages.parse;
import static io.orch.agent.dns.DnsMessages.query;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The UDP pipeline on an EmbeddedChannel: what is answered locally, what is forwarded, and how. */
class DnsQueryHandlerTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress(FakeDirectory.v4("10.0.1.9"), 40000);
    private static final InetSocketAddress STRANGER = new InetSocketAddress(FakeDirectory.v4("10.0.9.9"), 40000);
    private static final InetSocketAddress SERVER = new InetSocketAddress(FakeDirectory.v4("172.18.0.1"), 53);

    /** Records what it is asked to forward; each answer is completed by the test. */
    private static final class FakeForwarder implements DnsForwarder {
        final List<byte[]> queries = new ArrayList<>();
        final List<CompletableFuture<byte[]>> answers = new ArrayList<>();
        boolean full;

        @Override
        public CompletableFuture<byte[]> forward(byte[] query, boolean tcp) {
            if (full) {
                return null;
            }
            queries.add(query);
            CompletableFuture<byte[]> answer = new CompletableFuture<>();
            answers.add(answer);
            return answer;
        }
    }

    private final FakeDirectory directory = new FakeDirectory(CLIENT.getAddress());
    private final FakeForwarder forwarder = new FakeForwarder();
    private final EmbeddedChannel ch = channel(directory);

    private EmbeddedChannel channel(DnsDirectory dir) {
        return new EmbeddedChannel(new DnsUdpResponseEncoder(), new DnsUdpQueryDecoder(), new DnsQueryHandler(dir, forwarder));
    }

    @AfterEach
    void release() {
        ch.finishAndReleaseAll();
    }

    private void send(EmbeddedChannel channel, InetSocketAddress from, byte[] bytes) {
        channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(bytes), SERVER, from));
    }

    /** The next datagram written, checked to go from the server's address to {@code to}. */
    private byte[] reply(EmbeddedChannel channel, InetSocketAddress to) {
        DatagramPacket p = channel.readOutbound();
        if (p == null) {
            throw new AssertionError("no reply");
        }
        try {
            assertEquals(to, p.recipient());
            return ByteBufUtil.getBytes(p.content());
        } finally {
            p.release();
        }
    }

    private DnsMessages.Answer ask(String name, DnsRecordType type) {
        send(ch, CLIENT, query(4242, name, type));
        return parse(reply(ch, CLIENT));
    }

    @Test
    void anOrchNameIsAnsweredAuthoritativelyWithTtlZeroAndTheClientsId() {
        DnsMessages.Answer a = ask("web", DnsRecordType.A);
        assertEquals(4242, a.id());
        assertEquals(DnsResponseCode.NOERROR, a.code());
        assertTrue(a.authoritative());
        assertTrue(a.recursionAvailable());
        assertEquals(List.of("10.0.1.2"), a.addresses());
        assertEquals(List.of(0L), a.ttls());
        assertEquals(List.of("web. A"), a.questions());
        assertTrue(forwarder.queries.isEmpty());
    }

    @Test
    void addressesComeInTheDirectorysOrder() {
        assertEquals(List.of("10.0.1.3", "10.0.1.4"), ask("tasks.web", DnsRecordType.A).addresses());
    }

    @Test
    void namesAreAskedLowerCaseWithoutTheTrailingDotAndAnsweredAsWritten() {
        DnsMessages.Answer a = ask("Tasks.WEB.", DnsRecordType.A);
        assertEquals(List.of("10.0.1.3", "10.0.1.4"), a.addresses());
        assertEquals(List.of("tasks.web"), directory.asked);
        assertEquals(List.of("Tasks.WEB. A"), a.questions());
    }

    @Test
    void aKnownNameWithoutAddressesIsNoErrorWithNoAnswer() {
        DnsMessages.Answer a = ask("idle", DnsRecordType.A);
        assertEquals(DnsResponseCode.NOERROR, a.code());
        assertTrue(a.addresses().isEmpty());
        assertTrue(forwarder.queries.isEmpty());
    }

    @Test
    void aaaaAndOtherTypesForAKnownNameAreNoErrorWithNoAnswerInsteadOfAForward() {
        for (DnsRecordType type : List.of(DnsRecordType.AAAA, DnsRecordType.MX, DnsRecordType.TXT)) {
            DnsMessages.Answer a = ask("web", type);
            assertEquals(DnsResponseCode.NOERROR, a.code(), type.name());
            assertTrue(a.authoritative());
            assertTrue(a.addresses().isEmpty());
        }
        assertTrue(forwarder.queries.isEmpty());
    }

    @Test
    void anUnknownNameIsForwardedAsSentAndTheAnswerRelayedToTheClient() {
        byte[] q = query(7, "example.org", DnsRecordType.A);
        send(ch, CLIENT, q);
        assertNull(ch.readOutbound());
        assertEquals(1, forwarder.queries.size());
        assertArrayEquals(q, forwarder.queries.get(0));

        byte[] upstream = DnsMessages.upstreamAnswer(q, "93.184.216.34");
        forwarder.answers.get(0).complete(upstream);
        assertArrayEquals(upstream, reply(ch, CLIENT));
    }

    @Test
    void aNameTheDirectoryHasForOtherClientsIsForwardedForThisOne() {
        send(ch, STRANGER, query(8, "web", DnsRecordType.A));
        assertEquals(1, forwarder.queries.size());
        assertNull(ch.readOutbound());
    }

    @Test
    void noAnswerFromUpstreamIsServfail() {
        send(ch, CLIENT, query(9, "example.org", DnsRecordType.A));
        forwarder.answers.get(0).completeExceptionally(new IOException("no answer"));
        DnsMessages.Answer a = parse(reply(ch, CLIENT));
        assertEquals(9, a.id());
        assertEquals(DnsResponseCode.SERVFAIL, a.code());
        assertEquals(List.of("example.org. A"), a.questions());
    }

    @Test
    void aQueryBeyondTheForwardLimitIsDropped() {
        forwarder.full = true;
        send(ch, CLIENT, query(10, "example.org", DnsRecordType.A));
        assertNull(ch.readOutbound());
        assertTrue(ch.isOpen());
    }

    @Test
    void ptrIsAnsweredFromTheDirectoryOrForwarded() {
        DnsMessages.Answer a = ask("3.1.0.10.in-addr.arpa", DnsRecordType.PTR);
        assertEquals(List.of("web.1.task3."), a.ptrs());
        assertEquals(List.of(0L), a.ttls());
        assertTrue(forwarder.queries.isEmpty());

        send(ch, CLIENT, query(11, "8.8.8.8.in-addr.arpa", DnsRecordType.PTR));
        assertEquals(1, forwarder.queries.size());
    }

    @Test
    void reverseNamesAreParsedStrictly() {
        assertEquals(Optional.of(FakeDirectory.v4("10.0.1.3")), DnsQueryHandler.reverseAddress("3.1.0.10.in-addr.arpa"));
        assertEquals(Optional.empty(), DnsQueryHandler.reverseAddress("1.0.10.in-addr.arpa"));
        assertEquals(Optional.empty(), DnsQueryHandler.reverseAddress("256.1.0.10.in-addr.arpa"));
        assertEquals(Optional.empty(), DnsQueryHandler.reverseAddress("x.1.0.10.in-addr.arpa"));
        assertEquals(Optional.empty(), DnsQueryHandler.reverseAddress("1.0.0.0.ip6.arpa"));
    }

    @Test
    void moreThanOneQuestionIsFormErr() {
        send(ch, CLIENT, query(12, "web", DnsRecordType.A, 2, 0));
        DnsMessages.Answer a = parse(reply(ch, CLIENT));
        assertEquals(DnsResponseCode.FORMERR, a.code());
        assertEquals(12, a.id());
        assertTrue(forwarder.queries.isEmpty());
    }

    @Test
    void malformedDatagramsAreDroppedAndTheNextQueryIsAnswered() {
        send(ch, CLIENT, new byte[] {1, 2, 3});
        byte[] truncatedQuestion = query(13, "web", DnsRecordType.A);
        send(ch, CLIENT, java.util.Arrays.copyOf(truncatedQuestion, truncatedQuestion.length - 3));
        byte[] response = DnsMessages.upstreamAnswer(query(14, "web", DnsRecordType.A), "1.2.3.4");
        send(ch, CLIENT, response); // a response is not a query: never answered
        assertNull(ch.readOutbound());
        assertTrue(ch.isOpen());
        assertEquals(List.of("10.0.1.2"), ask("web", DnsRecordType.A).addresses());
    }

    @Test
    void aDirectoryFailureIsServfailAndTheChannelStaysOpen() {
        EmbeddedChannel broken = channel(new DnsDirectory() {
            @Override
            public Optional<List<Inet4Address>> lookup(InetAddress client, String name) {
                throw new IllegalStateException("boom");
            }
        });
        send(broken, CLIENT, query(15, "web", DnsRecordType.A));
        assertEquals(DnsResponseCode.SERVFAIL, parse(reply(broken, CLIENT)).code());
        assertTrue(broken.isOpen());
        broken.finishAndReleaseAll();
    }

    @Test
    void aUdpAnswerTooBigFor512BytesIsTruncatedWithTcSet() {
        List<Inet4Address> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add(FakeDirectory.v4("10.0.2." + i));
        }
        EmbeddedChannel big = channel((client, name) -> Optional.of(many));
        send(big, CLIENT, query(16, "tasks.big", DnsRecordType.A));
        DnsMessages.Answer plain = parse(reply(big, CLIENT));
        assertTrue(plain.truncated());
        assertTrue(plain.size() <= 512, "size " + plain.size());
        assertFalse(plain.addresses().isEmpty());
        assertEquals(many.subList(0, plain.addresses().size()).stream().map(InetAddress::getHostAddress).toList(),
                plain.addresses());

        // With EDNS the client's larger buffer is used, and an OPT record comes back.
        send(big, CLIENT, query(17, "tasks.big", DnsRecordType.A, 1, 4096));
        DnsMessages.Answer edns = parse(reply(big, CLIENT));
        assertFalse(edns.truncated());
        assertEquals(100, edns.addresses().size());
        assertTrue(edns.hasOpt());
        big.finishAndReleaseAll();
    }
}
