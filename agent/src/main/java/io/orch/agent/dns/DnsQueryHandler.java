package io.orch.agent.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DefaultDnsPtrRecord;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordEncoder;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Answers one {@link DnsRequest}: from the {@link DnsDirectory} when the name is orch's for this
 * client, otherwise by relaying it upstream through the {@link DnsForwarder}. Shared by every UDP
 * and TCP channel of a server; holds no per-channel state.
 *
 * <ul>
 *   <li>A for a name the directory has: the addresses it gives, in its order, authoritative.</li>
 *   <li>Any other type for such a name (AAAA above all): NOERROR with no answer, so a client
 *       asking A and AAAA in parallel (glibc, musl) is not held up by a forward of the AAAA.</li>
 *   <li>PTR in in-addr.arpa: {@link DnsDirectory#reverse}; empty forwards.</li>
 *   <li>Everything else is forwarded; SERVFAIL when no upstream answers.</li>
 *   <li>QDCOUNT other than 1: FORMERR (what BIND and Unbound do; RFC 9619 makes one question the
 *       rule). Opcodes other than QUERY: NOTIMP.</li>
 * </ul>
 */
@ChannelHandler.Sharable
final class DnsQueryHandler extends SimpleChannelInboundHandler<DnsRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(DnsQueryHandler.class);

    /**
     * TTL of our answers. Zero, so no client or intermediate cache keeps an address after the
     * store moved on: a task that is replaced or a service scaled must be reflected within a
     * second, and the lookup is a map read on this host, so not caching costs nothing. (Docker
     * answers with 600 s and lives with stale caches.)
     */
    static final long TTL_SECONDS = 0;
    /** Without EDNS a UDP answer must fit 512 bytes (RFC 1035); bigger ones are truncated (TC). */
    static final int MAX_UDP_PLAIN = 512;
    /** The most we answer over UDP whatever the client's EDNS says: fragments get lost. */
    static final int MAX_UDP_EDNS = 4096;
    static final int MAX_TCP = 65535;
    /** Advertised in our OPT record: the DNS flag day 2020 size that needs no fragmentation. */
    static final int OUR_EDNS_PAYLOAD = 1232;

    private final DnsDirectory directory;
    private final DnsForwarder forwarder;

    DnsQueryHandler(DnsDirectory directory, DnsForwarder forwarder) {
        this.directory = directory;
        this.forwarder = forwarder;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DnsRequest request) {
        if (!request.opCode().equals(DnsOpCode.QUERY)) {
            reply(ctx, request, DnsResponseCode.NOTIMP, List.of());
            return;
        }
        if (request.questionCount() != 1) {
            reply(ctx, request, DnsResponseCode.FORMERR, List.of());
            return;
        }
        Optional<List<DnsRecord>> local;
        try {
            local = localAnswer(request.client().getAddress(), request.question().orElseThrow());
        } catch (RuntimeException e) {
            LOG.warn("the DNS directory failed on {}", request.question().orElseThrow(), e);
            reply(ctx, request, DnsResponseCode.SERVFAIL, List.of());
            return;
        }
        if (local.isPresent()) {
            reply(ctx, request, DnsResponseCode.NOERROR, local.get());
        } else {
            forward(ctx, request);
        }
    }

    /** Our answer records, or empty when the question is not orch's to answer. */
    private Optional<List<DnsRecord>> localAnswer(InetAddress client, DnsQuestion q) {
        if (q.dnsClass() != DnsRecord.CLASS_IN) {
            return Optional.empty(); // CHAOS "version.bind" and friends are the upstream's business
        }
        String name = normalize(q.name());
        if (q.type().equals(DnsRecordType.PTR)) {
            Optional<Inet4Address> address = reverseAddress(name);
            if (address.isPresent()) {
                return directory.reverse(client, address.get())
                        .map(host -> List.<DnsRecord>of(new DefaultDnsPtrRecord(q.name(), DnsRecord.CLASS_IN, TTL_SECONDS, host + ".")));
            }
        }
        Optional<List<Inet4Address>> addresses = directory.lookup(client, name);
        if (addresses.isEmpty()) {
            return Optional.empty();
        }
        if (!q.type().equals(DnsRecordType.A)) {
            return Optional.of(List.of());
        }
        List<DnsRecord> records = new ArrayList<>(addresses.get().size());
        for (Inet4Address a : addresses.get()) {
            // The owner name as the client wrote it: some resolvers randomise its case (0x20)
            // and reject an answer that does not echo it.
            records.add(new DefaultDnsRawRecord(q.name(), DnsRecordType.A, TTL_SECONDS, Unpooled.wrappedBuffer(a.getAddress())));
        }
        return Optional.of(records);
    }

    private void forward(ChannelHandlerContext ctx, DnsRequest request) {
        Optional<List<java.net.InetSocketAddress>> own = directory.upstreams(request.client().getAddress());
        CompletableFuture<byte[]> answer = own.isPresent() ? forwarder.forward(request.wire(), request.tcp(), own.get())
                : forwarder.forward(request.wire(), request.tcp());
        if (answer == null) {
            return; // too many in flight: dropped, the client will retry
        }
        answer.whenComplete((bytes, error) -> onLoop(ctx, () -> {
            if (error != null) {
                LOG.debug("no upstream answered {}: {}", request.question().orElseThrow(), error.toString());
                reply(ctx, request, DnsResponseCode.SERVFAIL, List.of());
            } else if (request.tcp()) {
                ctx.writeAndFlush(Unpooled.buffer(2 + bytes.length).writeShort(bytes.length).writeBytes(bytes));
            } else {
                ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes), request.client(), request.local()));
            }
        }));
    }

    private static void onLoop(ChannelHandlerContext ctx, Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            ctx.executor().execute(task);
        }
    }

    /**
     * Writes a response echoing the question, with as many of {@code answers} as fit the
     * transport's limit; the rest are cut and TC set, so the client asks again over TCP.
     */
    private static void reply(ChannelHandlerContext ctx, DnsRequest request, DnsResponseCode code, List<DnsRecord> answers) {
        DnsResponse response = request.tcp()
                ? new DefaultDnsResponse(request.id(), request.opCode(), code)
                : new DatagramDnsResponse(request.local(), request.client(), request.id(), request.opCode(), code);
        response.setRecursionDesired(request.recursionDesired());
        response.setRecursionAvailable(true);
        response.setAuthoritativeAnswer(code.equals(DnsResponseCode.NOERROR));
        int limit = request.tcp() ? MAX_TCP
                : request.ednsPayloadSize() == 0 ? MAX_UDP_PLAIN
                : Math.min(Math.max(request.ednsPayloadSize(), MAX_UDP_PLAIN), MAX_UDP_EDNS);
        int size = DnsRequest.HEADER_BYTES;
        if (request.questionCount() == 1) {
            DnsQuestion q = request.question().orElseThrow();
            response.addRecord(DnsSection.QUESTION, q);
            size += encodedSize(q);
        }
        if (request.ednsPayloadSize() > 0) {
            // RFC 6891: a query with OPT gets an OPT back. Root owner, class = our payload size.
            DnsRecord opt = new DefaultDnsRawRecord(".", DnsRecordType.OPT, OUR_EDNS_PAYLOAD, 0, Unpooled.EMPTY_BUFFER);
            response.addRecord(DnsSection.ADDITIONAL, opt);
            size += encodedSize(opt);
        }
        for (DnsRecord r : answers) {
            int n = encodedSize(r);
            if (size + n > limit) {
                response.setTruncated(true);
                ReferenceCountUtil.release(r);
                continue;
            }
            size += n;
            response.addRecord(DnsSection.ANSWER, r);
        }
        ctx.writeAndFlush(response);
    }

    /** Netty writes names uncompressed, so a record's size does not depend on its neighbours. */
    private static int encodedSize(DnsRecord r) {
        ByteBuf scratch = Unpooled.buffer(64);
        try {
            if (r instanceof DnsQuestion q) {
                DnsRecordEncoder.DEFAULT.encodeQuestion(q, scratch);
            } else {
                DnsRecordEncoder.DEFAULT.encodeRecord(r, scratch);
            }
            return scratch.readableBytes();
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot encode " + r, e);
        } finally {
            scratch.release();
        }
    }

    /** Lower case, no trailing dot: the form {@link DnsDirectory} is asked in. */
    static String normalize(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        return n.toLowerCase(Locale.ROOT);
    }

    /** {@code 4.3.2.1.in-addr.arpa} to 1.2.3.4; empty for anything else (ip6.arpa, partial names). */
    static Optional<Inet4Address> reverseAddress(String name) {
        String suffix = ".in-addr.arpa";
        if (!name.endsWith(suffix)) {
            return Optional.empty();
        }
        String[] labels = name.substring(0, name.length() - suffix.length()).split("\\.", -1);
        if (labels.length != 4) {
            return Optional.empty();
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String label = labels[3 - i];
            if (label.isEmpty() || label.length() > 3 || !label.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.empty();
            }
            int octet = Integer.parseInt(label);
            if (octet > 255) {
                return Optional.empty();
            }
            bytes[i] = (byte) octet;
        }
        try {
            return Optional.of((Inet4Address) InetAddress.getByAddress(bytes));
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ctx.channel() instanceof DatagramChannel) {
            // The UDP channel is the server's only socket on this address: closing it would end
            // DNS for every container behind it. One bad exchange is logged and forgotten.
            LOG.warn("DNS UDP error on {}", ctx.channel().localAddress(), cause);
            return;
        }
        if (cause instanceof ReadTimeoutException || cause instanceof IOException) {
            LOG.debug("DNS TCP connection from {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            LOG.warn("DNS TCP error from {}", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}
