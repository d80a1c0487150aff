package io.orch.api.certs;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The little of ASN.1 DER that the CLI and the agent need to read key files and certificate names and
 * to write a certificate request with the JDK alone: definite lengths, single-byte tags, object
 * identifiers. Bouncy Castle did this before; its 6,000-entry jar on the CLI's class path cost every
 * command ~36 ms (picocli looks up a Groovy class at start, which opens every jar of the class path),
 * and in the agent its classes (650-730 on every node) and its signed manifest cost memory on nodes
 * that never make a certificate.
 */
public final class Der {
    public static final int INTEGER = 0x02;
    public static final int BIT_STRING = 0x03;
    public static final int OCTET_STRING = 0x04;
    public static final int NULL = 0x05;
    public static final int OID = 0x06;
    public static final int SEQUENCE = 0x30;
    public static final int SET = 0x31;

    private Der() {}

    /** A tag-length-value with {@code content}, the concatenation of {@code parts}. */
    public static byte[] tlv(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            content.writeBytes(part);
        }
        byte[] value = content.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        writeLength(out, value.length);
        out.writeBytes(value);
        return out.toByteArray();
    }

    public static byte[] sequence(byte[]... parts) {
        return tlv(SEQUENCE, parts);
    }

    public static byte[] integer(long value) {
        return tlv(INTEGER, BigInteger.valueOf(value).toByteArray());
    }

    public static byte[] octetString(byte[] value) {
        return tlv(OCTET_STRING, value);
    }

    /** A BIT STRING of whole bytes (no unused bits), as signatures and keys are. */
    public static byte[] bitString(byte[] value) {
        byte[] content = new byte[value.length + 1];
        System.arraycopy(value, 0, content, 1, value.length);
        return tlv(BIT_STRING, content);
    }

    public static byte[] nullValue() {
        return new byte[] {NULL, 0};
    }

    /** An OBJECT IDENTIFIER from its dotted form, "1.2.840.10045.2.1". */
    public static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        if (arcs.length < 2) {
            throw new IllegalArgumentException("not an object identifier: " + dotted);
        }
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        writeArc(content, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            writeArc(content, Long.parseLong(arcs[i]));
        }
        return tlv(OID, content.toByteArray());
    }

    private static void writeArc(ByteArrayOutputStream out, long arc) {
        int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(arc) + 6) / 7);
        for (int g = groups - 1; g >= 0; g--) {
            int seven = (int) (arc >>> (7 * g)) & 0x7f;
            out.write(g == 0 ? seven : seven | 0x80);
        }
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
            return;
        }
        int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
        out.write(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) {
            out.write(length >>> (8 * i));
        }
    }

    /** One decoded tag-length-value; {@link #encoded} is the whole element, tag and length included. */
    public record Value(int tag, byte[] content, byte[] encoded) {
        public Value {
            content = content.clone();
            encoded = encoded.clone();
        }

        public boolean isConstructed() {
            return (tag & 0x20) != 0;
        }

        /** The elements of a constructed value (SEQUENCE, SET, an explicit [n]). */
        public List<Value> children() {
            if (!isConstructed()) {
                throw new IllegalArgumentException("DER: tag 0x" + Integer.toHexString(tag) + " is not constructed");
            }
            List<Value> children = new ArrayList<>();
            int[] at = {0};
            while (at[0] < content.length) {
                children.add(read(content, at));
            }
            return children;
        }

        /** The dotted form of an OBJECT IDENTIFIER. */
        public String oid() {
            require(OID);
            StringBuilder b = new StringBuilder();
            long arc = 0;
            boolean first = true;
            for (byte octet : content) {
                arc = (arc << 7) | (octet & 0x7f);
                if ((octet & 0x80) == 0) {
                    if (first) {
                        long top = Math.min(arc / 40, 2);
                        b.append(top).append('.').append(arc - top * 40);
                        first = false;
                    } else {
                        b.append('.').append(arc);
                    }
                    arc = 0;
                }
            }
            if (first || (content[content.length - 1] & 0x80) != 0) {
                throw new IllegalArgumentException("DER: a truncated object identifier");
            }
            return b.toString();
        }

        public BigInteger integer() {
            require(INTEGER);
            return new BigInteger(content);
        }

        public Value require(int expected) {
            if (tag != expected) {
                throw new IllegalArgumentException("DER: expected tag 0x" + Integer.toHexString(expected)
                        + ", found 0x" + Integer.toHexString(tag));
            }
            return this;
        }
    }

    /** The single DER value {@code der} holds (nothing may follow it). */
    public static Value decode(byte[] der) {
        int[] at = {0};
        Value value = read(der, at);
        if (at[0] != der.length) {
            throw new IllegalArgumentException("DER: " + (der.length - at[0]) + " bytes after the value");
        }
        return value;
    }

    private static Value read(byte[] in, int[] at) {
        int start = at[0];
        if (start + 2 > in.length) {
            throw new IllegalArgumentException("DER: truncated");
        }
        int tag = in[start] & 0xff;
        if ((tag & 0x1f) == 0x1f) {
            throw new IllegalArgumentException("DER: multi-byte tags are not supported");
        }
        int pos = start + 1;
        int first = in[pos++] & 0xff;
        long length;
        if (first < 0x80) {
            length = first;
        } else {
            int bytes = first & 0x7f;
            if (bytes == 0 || bytes > 4) {
                throw new IllegalArgumentException("DER: unsupported length encoding");
            }
            length = 0;
            for (int i = 0; i < bytes; i++) {
                if (pos >= in.length) {
                    throw new IllegalArgumentException("DER: truncated");
                }
                length = (length << 8) | (in[pos++] & 0xff);
            }
        }
        if (length > in.length - pos) {
            throw new IllegalArgumentException("DER: truncated");
        }
        int end = pos + (int) length;
        at[0] = end;
        return new Value(tag, Arrays.copyOfRange(in, pos, end), Arrays.copyOfRange(in, start, end));
    }
}
