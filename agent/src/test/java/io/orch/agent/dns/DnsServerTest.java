package io.orch.agent.dns;

import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.orch.agent.dns.DnsMessages.parse;
import static io.orch.agent.dns.DnsMessages.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server over real loopback sockets, with a fake upstream resolver on 127.0.0.1. */
class DnsServerTest {
    private static final InetAddress LOCALHOST = FakeDirectory.v4("127.0.0.1");
    /** A loopback address the directory does not know as a client. */
    private static final InetAddress STRANGER = FakeDirectory.v4("127.0.0.2");
    private static final int CLIENT_WAIT_MILLIS = 5000;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closing.add(0, c);
        return c;
    }

    private InetSocketAddress server(List<InetSocketAddress> upstreams, Duration timeout) throws IOException {
        DnsServer dns = closeLater(new DnsServer(new FakeDirectory(LOCALHOST), upstreams, timeout));
        return dns.bind(new InetSocketAddress(LOCALHOST, 0));
    }

    private InetSocketAddress server(List<InetSocketAddress> upstreams) throws IOException {
        return server(upstreams, Duration.ofSeconds(2));
    }

    /** One UDP exchange from {@code from}; fails when no answer comes in time. */
    private static byte[] udp(InetAddress from, InetSocketAddress server, byte[] query) throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(from, 0))) {
            s.setSoTimeout(CLIENT_WAIT_MILLIS);
            s.send(new DatagramPacket(query, query.length, server));
            DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
            s.receive(p);
            return Arrays.copyOf(p.getData(), p.getLength());
        }
    }

    private static byte[] udp(InetSocketAddress server, byte[] query) throws IOException {
        return udp(LOCALHOST, server, query);
    }

    /** One RFC 7766 exchange: length-prefixed query out, length-prefixed answer back. */
    private static byte[] tcp(InetSocketAddress server, byte[] query) throws IOException {
        try (Socket s = new Socket(server.getAddress(), server.getPort())) {
            s.setSoTimeout(CLIENT_WAIT_MILLIS);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(query.length);
            out.write(query);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] answer = new byte[in.readUnsignedShort()];
            in.readFully(answer);
            return answer;
        }
    }

    @Test
    void answersOrchNamesOverUdp() throws IOException {
        InetSocketAddress dns = server(List.of());
        DnsMessages.Answer a = parse(udp(dns, query(1, "tasks.web", DnsRecordType.A)));
        assertEquals(1, a.id());
        assertEquals(DnsResponseCode.NOERROR, a.code());
        assertEquals(List.of("10.0.1.3", "10.0.1.4"), a.addresses());
        assertEquals(List.of(0L, 0L), a.ttls());
    }

    @Test
    void answersOrchNamesOverTcpOnTheSamePort() throws IOException {
        InetSocketAddress dns = server(List.of());
        DnsMessages.Answer a = parse(tcp(dns, query(2, "web", DnsRecordType.A)));
        assertEquals(2, a.id());
        assertEquals(List.of("10.0.1.2"), a.addresses());
    }

    @Test
    void namesAreCaseInsensitiveAndMayEndInADot() throws IOException {
        InetSocketAddress dns = server(List.of());
        assertEquals(List.of("10.0.1.2"), parse(udp(dns, query(3, "WEB.", DnsRecordType.A))).addresses());
        assertEquals(List.of("10.0.1.2"), parse(udp(dns, query(4, "Web", DnsRecordType.A))).addresses());
    }

    @Test
    void aaaaForAnOrchNameIsNoErrorWithoutAForward() throws IOException {
        try (FakeUpstream upstream = new FakeUpstream("93.184.216.34", false)) {
            InetSocketAddress dns = server(List.of(upstream.address()));
            DnsMessages.Answer a = parse(udp(dns, query(5, "web", DnsRecordType.AAAA)));
            assertEquals(DnsResponseCode.NOERROR, a.code());
            assertTrue(a.addresses().isEmpty());
            assertTrue(upstream.received.isEmpty());
        }
    }

    @Test
    void ptrOfATaskIsAnswered() throws IOException {
        InetSocketAddress dns = server(List.of());
        assertEquals(List.of("web.1.task3."), parse(udp(dns, query(6, "3.1.0.10.in-addr.arpa", DnsRecordType.PTR))).ptrs());
    }

    @Test
    void anUnknownNameIsForwardedOverUdpAndRelayedWithTheClientsId() throws IOException {
        try (FakeUpstream upstream = new FakeUpstream("93.184.216.34", false)) {
            InetSocketAddress dns = server(List.of(upstream.address()));
            DnsMessages.Answer a = parse(udp(dns, query(7, "example.org", DnsRecordType.A)));
            assertEquals(7, a.id());
            assertEquals(List.of("93.184.216.34"), a.addresses());
            assertEquals(List.of("example.org. A"), a.questions());
            assertEquals(1, upstream.received.size());
            assertTrue(upstream.received.get(0).startsWith("udp "));
        }
    }

    @Test
    void aTcpQueryIsForwardedOverTcp() throws IOException {
        try (FakeUpstream upstream = new FakeUpstream("93.184.216.34", false)) {
            InetSocketAddress dns = server(List.of(upstream.address()));
            DnsMessages.Answer a = parse(tcp(dns, query(8, "example.org", DnsRecordType.A)));
            assertEquals(8, a.id());
            assertEquals(List.of("93.184.216.34"), a.addresses());
            assertTrue(upstream.received.get(0).startsWith("tcp "));
        }
    }

    @Test
    void aClientTheDirectoryDoesNotKnowIsForwardedEvenForOrchNames() throws IOException {
        try (FakeUpstream upstream = new FakeUpstream("93.184.216.34", false)) {
            InetSocketAddress dns = server(List.of(upstream.address()));
            DnsMessages.Answer a = parse(udp(STRANGER, dns, query(9, "web", DnsRecordType.A)));
            assertEquals(List.of("93.184.216.34"), a.addresses());
            assertEquals(1, upstream.received.size());
        }
    }

    @Test
    void aSilentUpstreamIsSkippedForTheNextOne() throws IOException {
        try (FakeUpstream silent = new FakeUpstream("0.0.0.0", true);
             FakeUpstream second = new FakeUpstream("93.184.216.35", false)) {
            InetSocketAddress dns = server(List.of(silent.address(), second.address()), Duration.ofMillis(300));
            DnsMessages.Answer a = parse(udp(dns, query(10, "example.org", DnsRecordType.A)));
            assertEquals(10, a.id());
            assertEquals(List.of("93.184.216.35"), a.addresses());
            assertEquals(1, silent.received.size());
        }
    }

    @Test
    void noUpstreamAnsweringIsServfailWithinTheTimeout() throws IOException {
        try (FakeUpstream silent = new FakeUpstream("0.0.0.0", true)) {
            InetSocketAddress dns = server(List.of(silent.address()), Duration.ofMillis(300));
            long start = System.nanoTime();
            DnsMessages.Answer a = parse(udp(dns, query(11, "example.org", DnsRecordType.A)));
            assertEquals(DnsResponseCode.SERVFAIL, a.code());
            assertEquals(11, a.id());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(3)) < 0);
        }
    }

    @Test
    void anUpstreamThatIsDownIsServfailWithTheDefaultTimeout() throws IOException {
        InetSocketAddress down;
        try (FakeUpstream gone = new FakeUpstream("0.0.0.0", true)) {
            down = gone.address(); // a loopback port nobody listens on any more
        }
        InetSocketAddress dns = server(List.of(down));
        assertEquals(DnsResponseCode.SERVFAIL, parse(udp(dns, query(12, "example.org", DnsRecordType.A))).code());
        assertEquals(DnsResponseCode.SERVFAIL, parse(tcp(dns, query(13, "example.org", DnsRecordType.A))).code());
    }

    @Test
    void noUpstreamAtAllIsServfail() throws IOException {
        InetSocketAddress dns = server(List.of());
        assertEquals(DnsResponseCode.SERVFAIL, parse(udp(dns, query(14, "example.org", DnsRecordType.A))).code());
    }

    @Test
    void garbageDoesNotBreakTheServer() throws IOException {
        InetSocketAddress dns = server(List.of());
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOCALHOST, 0))) {
            s.setSoTimeout(300);
            byte[] junk = {0x13, 0x37, 0, 1, 0, 1, (byte) 0xff};
            s.send(new DatagramPacket(junk, junk.length, dns));
            assertThrows(SocketTimeoutException.class, () -> s.receive(new DatagramPacket(new byte[512], 512)));
        }
        // A malformed TCP frame is dropped too, and the connection answers the next one.
        try (Socket s = new Socket(dns.getAddress(), dns.getPort())) {
            s.setSoTimeout(CLIENT_WAIT_MILLIS);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(3);
            out.write(new byte[] {1, 2, 3});
            byte[] q = query(15, "web", DnsRecordType.A);
            out.writeShort(q.length);
            out.write(q);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] answer = new byte[in.readUnsignedShort()];
            in.readFully(answer);
            assertEquals(15, parse(answer).id());
        }
        assertEquals(List.of("10.0.1.2"), parse(udp(dns, query(16, "web", DnsRecordType.A))).addresses());
    }

    @Test
    void bindsSeveralAddressesAndUnbindsOne() throws IOException {
        DnsServer dns = closeLater(new DnsServer(new FakeDirectory(LOCALHOST), List.of()));
        InetSocketAddress first = dns.bind(new InetSocketAddress(LOCALHOST, 0));
        InetSocketAddress second = dns.bind(new InetSocketAddress(FakeDirectory.v4("127.0.0.3"), 0));
        assertNotEquals(0, first.getPort());
        assertEquals(List.of(first, second), dns.boundAddresses());
        assertEquals(List.of("10.0.1.2"), parse(udp(second, query(17, "web", DnsRecordType.A))).addresses());

        dns.unbind(second);
        assertEquals(List.of(first), dns.boundAddresses());
        assertThrows(IOException.class, () -> tcp(second, query(18, "web", DnsRecordType.A)));
        assertEquals(List.of("10.0.1.2"), parse(udp(first, query(19, "web", DnsRecordType.A))).addresses());
    }

    @Test
    void aBoundAddressIsNeverItsOwnUpstream() throws IOException {
        DnsServer dns = closeLater(new DnsServer(new FakeDirectory(LOCALHOST), List.of(), Duration.ofMillis(300)));
        InetSocketAddress bound = dns.bind(new InetSocketAddress(LOCALHOST, 0));
        dns.close();
        // Same port, now also listed as the upstream: the query must not loop back to us.
        DnsServer looped = closeLater(new DnsServer(new FakeDirectory(LOCALHOST), List.of(bound), Duration.ofMillis(300)));
        looped.bind(bound);
        assertEquals(DnsResponseCode.SERVFAIL, parse(udp(bound, query(20, "example.org", DnsRecordType.A))).code());
    }

    @Test
    void itsThreadsAreDaemonsNamedOrchDns() throws IOException {
        InetSocketAddress dns = server(List.of());
        parse(udp(dns, query(21, "web", DnsRecordType.A)));
        List<Thread> threads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("orch-dns-")).toList();
        assertFalse(threads.isEmpty());
        assertTrue(threads.stream().allMatch(Thread::isDaemon));
    }
}
