package io.orch.agent.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsPtrRecord;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordEncoder;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** Builds query bytes and reads response bytes for the tests, as a DNS client would. */
final class DnsMessages {
    private static final InetSocketAddress NOWHERE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);

    private DnsMessages() {
    }

    /** A recursive query for {@code name}, one question, no EDNS. */
    static byte[] query(int id, String name, DnsRecordType type) {
        return query(id, name, type, 1, 0);
    }

    /**
     * @param questions   how many times the question is repeated (QDCOUNT)
     * @param ednsPayload with an OPT record advertising this size; 0 for none
     */
    static byte[] query(int id, String name, DnsRecordType type, int questions, int ednsPayload) {
        ByteBuf b = Unpooled.buffer();
        b.writeShort(id).writeShort(0x0100).writeShort(questions).writeShort(0).writeShort(0)
                .writeShort(ednsPayload > 0 ? 1 : 0);
        try {
            for (int i = 0; i < questions; i++) {
                DnsRecordEncoder.DEFAULT.encodeQuestion(new DefaultDnsQuestion(name, type), b);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        if (ednsPayload > 0) {
            b.writeByte(0).writeShort(DnsRecordType.OPT.intValue()).writeShort(ednsPayload).writeInt(0).writeShort(0);
        }
        byte[] bytes = ByteBufUtil.getBytes(b);
        b.release();
        return bytes;
    }

    /** A response as the tests look at it. */
    record Answer(int id, DnsResponseCode code, boolean authoritative, boolean recursionAvailable, boolean truncated,
                  List<String> questions, List<String> addresses, List<String> ptrs, List<Long> ttls, boolean hasOpt,
                  int size) {
    }

    static Answer parse(byte[] bytes) {
        EmbeddedChannel ch = new EmbeddedChannel(new DatagramDnsResponseDecoder());
        ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(bytes), NOWHERE, NOWHERE));
        DnsResponse r = ch.readInbound();
        try {
            List<String> questions = new ArrayList<>();
            for (int i = 0; i < r.count(DnsSection.QUESTION); i++) {
                DnsRecord q = r.recordAt(DnsSection.QUESTION, i);
                questions.add(q.name() + " " + q.type().name());
            }
            List<String> addresses = new ArrayList<>();
            List<String> ptrs = new ArrayList<>();
            List<Long> ttls = new ArrayList<>();
            for (int i = 0; i < r.count(DnsSection.ANSWER); i++) {
                DnsRecord a = r.recordAt(DnsSection.ANSWER, i);
                ttls.add(a.timeToLive());
                if (a instanceof DnsPtrRecord p) {
                    ptrs.add(p.hostname());
                } else if (a.type().equals(DnsRecordType.A)) {
                    addresses.add(InetAddress.getByAddress(ByteBufUtil.getBytes(((DnsRawRecord) a).content())).getHostAddress());
                }
            }
            boolean opt = false;
            for (int i = 0; i < r.count(DnsSection.ADDITIONAL); i++) {
                opt |= r.recordAt(DnsSection.ADDITIONAL, i).type().equals(DnsRecordType.OPT);
            }
            return new Answer(r.id(), r.code(), r.isAuthoritativeAnswer(), r.isRecursionAvailable(), r.isTruncated(),
                    questions, addresses, ptrs, ttls, opt, bytes.length);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        } finally {
            r.release();
            ch.finishAndReleaseAll();
        }
    }

    /** An answer from an upstream: {@code address} for whatever was asked, the query's id kept. */
    static byte[] upstreamAnswer(byte[] query, String address) {
        byte[] a;
        try {
            a = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
        ByteBuf b = Unpooled.buffer();
        // Header: same id, QR + RD + RA, one question, one answer; then the question as asked.
        int questionEnd = DnsRequest.HEADER_BYTES;
        while (query[questionEnd] != 0) {
            questionEnd += (query[questionEnd] & 0xff) + 1;
        }
        questionEnd += 5;
        b.writeBytes(query, 0, 2).writeShort(0x8180).writeShort(1).writeShort(1).writeShort(0).writeShort(0);
        b.writeBytes(query, DnsRequest.HEADER_BYTES, questionEnd - DnsRequest.HEADER_BYTES);
        b.writeShort(0xc00c).writeShort(1).writeShort(1).writeInt(60).writeShort(4).writeBytes(a);
        byte[] bytes = ByteBufUtil.getBytes(b);
        b.release();
        return bytes;
    }
}
