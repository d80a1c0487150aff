package io.orch.packaging.cluster;

import io.orch.packaging.cluster.PeerRpcProbe.Kind;
import io.orch.packaging.cluster.PeerRpcProbe.Outcome;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * One TLS connection to a gRPC port whose services the test cannot call as their clients would
 * (the Raft transport's: Ratis), presenting a saved node certificate, on which calls of a method
 * no server has are made, by hand in HTTP/2: the server answered the call (its headers or a reset
 * of the stream: the connection is served), refused the connection (a TLS alert, a GOAWAY, the
 * connection closed: in TLS 1.3 the server judges the client's certificate after the client's
 * handshake is over, so the refusal shows on the first read), or stayed silent. The connection
 * can be kept and called on again, to see whether one established before a revocation is still
 * served after it. (A call rather than an HTTP/2 PING: gRPC servers answer repeated PINGs on a
 * connection without calls with a GOAWAY of their own.)
 */
final class Http2CallProbe implements AutoCloseable {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADERS = 1;
    private static final int RST_STREAM = 3;
    private static final int SETTINGS = 4;
    private static final int GOAWAY = 7;
    private static final int ACK = 1;
    private static final int END_STREAM_AND_HEADERS = 0x5;
    private static final int READ_MILLIS = 1_000;

    private final SSLSocket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final String authority;
    private int stream = -1;

    private Http2CallProbe(SSLSocket socket, String authority) throws IOException {
        this.socket = socket;
        this.authority = authority;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code host:port} presenting {@code as}; the connection is not judged yet. */
    static Http2CallProbe connect(SavedNodeCertificate as, String host, int port) throws IOException {
        SSLSocket socket = (SSLSocket) as.jdkClient().getSocketFactory().createSocket();
        SSLParameters params = socket.getSSLParameters();
        params.setApplicationProtocols(new String[] {"h2"}); // gRPC servers require ALPN h2
        socket.setSSLParameters(params);
        try {
            socket.connect(new InetSocketAddress(host, port), 3_000);
            socket.setSoTimeout(READ_MILLIS);
            socket.startHandshake();
            Http2CallProbe probe = new Http2CallProbe(socket, host + ":" + port);
            probe.out.write(PREFACE);
            probe.frame(SETTINGS, 0, 0, new byte[0]);
            return probe;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** One call on a new connection. */
    static Outcome once(SavedNodeCertificate as, String host, int port) {
        try (Http2CallProbe probe = connect(as, host, port)) {
            return probe.call();
        } catch (IOException e) {
            return refusedOrOther(e);
        }
    }

    /** Makes a call and reads until it is answered, a refusal, or {@value #READ_MILLIS} ms of silence. */
    Outcome call() {
        stream += 2;
        try {
            frame(HEADERS, END_STREAM_AND_HEADERS, stream, requestHeaders());
            while (true) {
                int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                int streamId = in.readInt() & 0x7fffffff;
                byte[] body = new byte[Math.min(length, 1 << 16)];
                in.readFully(body);
                in.skipNBytes(length - body.length);
                if (type == SETTINGS && (flags & ACK) == 0) {
                    frame(SETTINGS, ACK, 0, new byte[0]);
                } else if ((type == HEADERS || type == RST_STREAM) && streamId == stream) {
                    return new Outcome(Kind.SERVED, "the call was answered");
                } else if (type == GOAWAY) {
                    String debug = body.length > 8 ? new String(body, 8, body.length - 8, StandardCharsets.UTF_8) : "";
                    return new Outcome(Kind.REFUSED, "GOAWAY " + debug);
                }
            }
        } catch (IOException e) {
            return refusedOrOther(e);
        }
    }

    /** HPACK, every field a literal without indexing (no Huffman): a unary call of a method no server has. */
    private byte[] requestHeaders() {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        literal(block, ":method", "POST");
        literal(block, ":scheme", "https");
        literal(block, ":path", "/orch.probe.Nothing/Call");
        literal(block, ":authority", authority);
        literal(block, "content-type", "application/grpc");
        literal(block, "te", "trailers");
        return block.toByteArray();
    }

    private static void literal(ByteArrayOutputStream block, String name, String value) {
        block.write(0x00);
        string(block, name);
        string(block, value);
    }

    private static void string(ByteArrayOutputStream block, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length >= 127) {
            throw new IllegalArgumentException("a probe header is short");
        }
        block.write(bytes.length);
        block.writeBytes(bytes);
    }

    private static Outcome refusedOrOther(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return new Outcome(Kind.OTHER, "no answer within " + READ_MILLIS + " ms");
        }
        if (e instanceof SSLException || e instanceof EOFException || e instanceof SocketException) {
            return new Outcome(Kind.REFUSED, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return new Outcome(Kind.OTHER, e.toString());
    }

    private void frame(int type, int flags, int streamId, byte[] payload) throws IOException {
        byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (payload.length >>> 16);
        f[1] = (byte) (payload.length >>> 8);
        f[2] = (byte) payload.length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (streamId >>> 24);
        f[6] = (byte) (streamId >>> 16);
        f[7] = (byte) (streamId >>> 8);
        f[8] = (byte) streamId;
        System.arraycopy(payload, 0, f, 9, payload.length);
        out.write(f);
        out.flush();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a probe that failed
        }
    }
}
