package io.orch.agent.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * One query as received, over UDP or TCP: what the handler needs to answer it, and the bytes
 * exactly as the client sent them, which is what a forward relays.
 *
 * <p>Netty's {@code DatagramDnsQueryDecoder} and {@code TcpDnsQueryDecoder} keep no wire bytes
 * (and the TCP one is final), so both our decoders parse through here, with netty's own
 * {@link DnsRecordDecoder} for names (compression pointers included) and records.
 *
 * @param questionCount    QDCOUNT as sent; only the first question is decoded
 * @param question         the first question, empty when QDCOUNT is 0
 * @param ednsPayloadSize  the UDP payload size of the client's OPT record, 0 without EDNS
 * @param wire             the whole message as received (without the TCP length prefix)
 */
record DnsRequest(int id, DnsOpCode opCode, boolean recursionDesired, int questionCount,
                  Optional<DnsQuestion> question, int ednsPayloadSize, byte[] wire,
                  InetSocketAddress client, InetSocketAddress local, boolean tcp) {

    static final int HEADER_BYTES = 12;

    /**
     * Parses one message (the readable bytes of {@code in}); leaves {@code in} untouched.
     *
     * @throws CorruptedFrameException when it is not a well-formed query (a response, a short
     *                                 header, a question that runs off the end)
     */
    static DnsRequest parse(ByteBuf in, InetSocketAddress client, InetSocketAddress local, boolean tcp) {
        byte[] wire = ByteBufUtil.getBytes(in);
        ByteBuf buf = in.duplicate();
        if (buf.readableBytes() < HEADER_BYTES) {
            throw new CorruptedFrameException("DNS message of " + buf.readableBytes() + " bytes");
        }
        int id = buf.readUnsignedShort();
        int flags = buf.readUnsignedShort();
        if ((flags & 0x8000) != 0) {
            // Never answer a response: two servers that did would bounce it between them forever.
            throw new CorruptedFrameException("not a query");
        }
        DnsOpCode opCode = DnsOpCode.valueOf((byte) (flags >> 11 & 0xf));
        boolean rd = (flags & 0x0100) != 0;
        int qd = buf.readUnsignedShort();
        int records = buf.readUnsignedShort() + buf.readUnsignedShort() + buf.readUnsignedShort();
        try {
            Optional<DnsQuestion> question = Optional.empty();
            int edns = 0;
            if (qd >= 1) {
                question = Optional.of(DnsRecordDecoder.DEFAULT.decodeQuestion(buf));
            }
            if (qd == 1) {
                // The OPT record sits in the additional section, after any answer and authority
                // records a query may carry; walk them all, bounded by the bytes there are.
                for (int i = 0; i < records; i++) {
                    DnsRecord r = DnsRecordDecoder.DEFAULT.decodeRecord(buf);
                    if (r == null) {
                        break; // truncated trailing record: answer the question anyway
                    }
                    if (r.type() == DnsRecordType.OPT) {
                        edns = r.dnsClass() & 0xffff;
                    }
                    ReferenceCountUtil.release(r);
                }
            }
            return new DnsRequest(id, opCode, rd, qd, question, edns, wire, client, local, tcp);
        } catch (CorruptedFrameException e) {
            throw e;
        } catch (Exception e) {
            throw new CorruptedFrameException("malformed DNS query: " + e, e);
        }
    }
}
