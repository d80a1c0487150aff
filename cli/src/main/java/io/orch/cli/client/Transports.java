package io.orch.cli.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * The single place that decides how bytes reach the agent: a unix socket, plain TCP, or TCP
 * wrapped in TLS ({@link ClientTls}, {@code --tlsverify}), without the HTTP code knowing which.
 */
public final class Transports {
    private Transports() {}

    public static Connection open(HostAddress address, Duration connectTimeout, Duration readTimeout) throws IOException {
        return open(address, null, connectTimeout, readTimeout);
    }

    /** @param tls TLS for a tcp address, or null for plain HTTP (the agent serves it on loopback only) */
    public static Connection open(HostAddress address, ClientTls tls, Duration connectTimeout, Duration readTimeout)
            throws IOException {
        return switch (address.scheme()) {
            case UNIX -> openUnix(address, readTimeout);
            case TCP -> openTcp(address, tls, connectTimeout, readTimeout);
        };
    }

    private static Connection openTcp(HostAddress a, ClientTls tls, Duration connectTimeout, Duration readTimeout) throws IOException {
        Socket plain = new Socket();
        Socket socket;
        try {
            plain.connect(new InetSocketAddress(a.host(), a.port()), (int) connectTimeout.toMillis());
            plain.setSoTimeout((int) readTimeout.toMillis());
            plain.setTcpNoDelay(true);
            socket = tls == null ? plain : tls.wrap(plain, a.host(), a.port());
        } catch (IOException e) {
            plain.close();
            throw e;
        }
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        return new Connection() {
            public InputStream input() { return in; }
            public OutputStream output() { return out; }
            public void close() throws IOException { socket.close(); }
        };
    }

    /**
     * Unix sockets have no java.net.Socket adaptor (so no SO_TIMEOUT); reads go through a
     * selector instead so that a hung agent still ends in a timeout rather than a frozen CLI.
     * Connecting to a local socket never blocks for long: it succeeds or fails at once.
     */
    private static Connection openUnix(HostAddress a, Duration readTimeout) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(a.socketPath()));
            channel.configureBlocking(false);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        Selector selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        InputStream in = new TimedChannelInput(channel, selector, readTimeout.toMillis());
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                // requests are small; a non-blocking write that makes no progress just spins briefly
                while (buf.hasRemaining()) {
                    if (channel.write(buf) == 0) Thread.onSpinWait();
                }
            }
        };
        return new Connection() {
            public InputStream input() { return in; }
            public OutputStream output() { return out; }
            public void close() throws IOException {
                try { selector.close(); } finally { channel.close(); }
            }
        };
    }

    private static final class TimedChannelInput extends InputStream {
        private final SocketChannel channel;
        private final Selector selector;
        private final long timeoutMillis;

        TimedChannelInput(SocketChannel channel, Selector selector, long timeoutMillis) {
            this.channel = channel;
            this.selector = selector;
            this.timeoutMillis = timeoutMillis;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (true) {
                int n = channel.read(buf);
                if (n != 0) return n;
                selector.selectedKeys().clear();
                if (selector.select(timeoutMillis) == 0) {
                    throw new SocketTimeoutException("read timed out after " + timeoutMillis + " ms");
                }
            }
        }
    }

}
