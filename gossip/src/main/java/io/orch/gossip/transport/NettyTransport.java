package io.orch.gossip.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.orch.gossip.Address;
import io.orch.gossip.GossipConfig;
import io.orch.gossip.Keyring;
import io.orch.gossip.wire.Packet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real transport: UDP datagrams for probes and gossip, one short TCP connection per request
 * (push-pull, fallback ping), both on the same port, on one Netty event-loop thread. With a
 * {@link Keyring} every frame is AES-GCM encrypted.
 */
public final class NettyTransport implements Transport {

    private static final int BIND_ATTEMPTS = 20;

    private final Address bindAddress;
    private final PacketCodec codec;
    private final long tcpTimeoutMillis;
    private final AtomicLong rejectedFrames = new AtomicLong();
    private volatile EventLoopGroup group; // written under this (start); request() reads it without the lock, so volatile
    private volatile Channel udp; // written under this (start, close); sendPacket() reads it without the lock (null-checked), so volatile
    private Channel tcpServer; // guarded by this
    private volatile boolean closed; // set under this (close), read without it

    public NettyTransport(Address bindAddress, GossipConfig config, Keyring keyring) {
        this.bindAddress = bindAddress;
        this.codec = new PacketCodec(keyring);
        this.tcpTimeoutMillis = config.tcpTimeout().toMillis();
    }

    @Override
    public synchronized Address start(Inbound inbound) {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        IOException last = null;
        // TCP and UDP must share the port; with port 0 the free TCP port may be taken for UDP: retry.
        for (int attempt = 0; attempt < (bindAddress.port() == 0 ? BIND_ATTEMPTS : 1); attempt++) {
            try {
                return bind(inbound);
            } catch (IOException e) {
                last = e;
                closeChannels();
            }
        }
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        throw new UncheckedIOException("cannot bind gossip on " + bindAddress, last);
    }

    private Address bind(Inbound inbound) throws IOException {
        ChannelFuture server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new TcpInitializer(tcpTimeoutMillis,
                        () -> new TcpRequestHandler(codec, inbound, rejectedFrames)))
                .bind(bindAddress.host(), bindAddress.port()).awaitUninterruptibly();
        if (!server.isSuccess()) {
            throw new IOException("TCP bind failed", server.cause());
        }
        tcpServer = server.channel();
        int port = ((InetSocketAddress) tcpServer.localAddress()).getPort();
        ChannelFuture datagram = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
                .handler(new UdpPacketHandler(codec, inbound, rejectedFrames))
                .bind(bindAddress.host(), port).awaitUninterruptibly();
        if (!datagram.isSuccess()) {
            throw new IOException("UDP bind failed on port " + port, datagram.cause());
        }
        udp = datagram.channel();
        return new Address(bindAddress.host(), port);
    }

    @Override
    public void sendPacket(Address to, Packet packet) {
        Channel channel = udp;
        if (closed || channel == null) {
            return;
        }
        byte[] frame = codec.encode(packet);
        channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(frame), new InetSocketAddress(to.host(), to.port())));
    }

    @Override
    public CompletableFuture<Packet> request(Address to, Packet request, Duration timeout) {
        CompletableFuture<Packet> response = new CompletableFuture<>();
        if (closed) {
            response.completeExceptionally(new IOException("transport closed"));
            return response;
        }
        EventLoopGroup loops = group;
        if (loops == null) {
            response.completeExceptionally(new IOException("transport not started"));
            return response;
        }
        byte[] frame = codec.encode(request);
        try {
            ChannelFuture connect = new Bootstrap().group(loops).channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, timeout.toMillis()))
                    .handler(new TcpInitializer(timeout.toMillis(),
                            () -> new TcpResponseHandler(codec, frame, response)))
                    .connect(to.host(), to.port());
            connect.addListener(f -> {
                if (!f.isSuccess()) {
                    response.completeExceptionally(f.cause());
                }
            });
            loops.schedule(() -> {
                if (response.completeExceptionally(new TimeoutException("no answer from " + to + " in " + timeout))) {
                    connect.channel().close();
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException | IllegalStateException closing) {
            // closed concurrently: the event loop no longer takes work
            response.completeExceptionally(new IOException("transport closed", closing));
        }
        return response;
    }

    @Override
    public int packetOverhead() {
        return codec.overhead();
    }

    /** Frames refused so far (wrong key, plaintext while encrypted, unknown version, garbage). */
    public long rejectedFrames() {
        return rejectedFrames.get();
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeChannels();
        if (group != null) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
    }

    private void closeChannels() {
        if (udp != null) {
            udp.close();
            udp = null;
        }
        if (tcpServer != null) {
            tcpServer.close();
            tcpServer = null;
        }
    }
}
