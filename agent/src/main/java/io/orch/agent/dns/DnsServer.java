package io.orch.agent.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The node's embedded DNS server, what containers reach at 127.0.0.11 (a DNAT in each container
 * sends it to one of the addresses bound here). It answers orch's names from a
 * {@link DnsDirectory} and forwards the rest to the host's resolvers. This class only binds and
 * shuts down; the pipelines are {@link DnsUdpInitializer}'s and {@link DnsTcpInitializer}'s, the
 * work {@link DnsQueryHandler}'s.
 *
 * <pre>
 * DnsServer dns = new DnsServer(directory, ResolvConf.upstreams(Path.of("/etc/resolv.conf")));
 * InetSocketAddress bound = dns.bind(new InetSocketAddress(bridgeGateway, 53));
 * ...
 * dns.unbind(bound);
 * dns.close();
 * </pre>
 *
 * <p>Each address is served over UDP and TCP on the same port. All sockets, the upstream ones
 * included, share one small group of daemon event-loop threads named {@code orch-dns-*}; nothing
 * on them blocks.
 */
public final class DnsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DnsServer.class);
    /** Lookups are map reads and forwards wait on sockets, not threads: two threads are plenty. */
    private static final int THREADS = 2;
    /** With port 0 the free UDP port may be taken for TCP: try another. */
    private static final int BIND_ATTEMPTS = 20;

    private final List<InetSocketAddress> upstreams;
    private final EventLoopGroup group;
    private final DnsUdpInitializer udpInitializer;
    private final DnsTcpInitializer tcpInitializer;
    private final Map<InetSocketAddress, Listener> listeners = new LinkedHashMap<>(); // guarded by this
    /**
     * {@link #upstreams} minus our own addresses; read by the forwarder on every forward. Written
     * under {@code this} (bind, unbind), read on the event loops without it: volatile.
     */
    private volatile List<InetSocketAddress> forwardTo;
    private boolean closed; // guarded by this

    private record Listener(Channel udp, Channel tcp) {
    }

    /**
     * @param upstreams where names that are not orch's go, tried in order (usually
     *                  {@link ResolvConf#upstreams}); none: such queries get SERVFAIL
     */
    public DnsServer(DnsDirectory directory, List<InetSocketAddress> upstreams) {
        this(directory, upstreams, UpstreamForwarder.TIMEOUT);
    }

    DnsServer(DnsDirectory directory, List<InetSocketAddress> upstreams, Duration upstreamTimeout) {
        this.upstreams = List.copyOf(upstreams);
        this.forwardTo = this.upstreams;
        this.group = new MultiThreadIoEventLoopGroup(THREADS, new DefaultThreadFactory("orch-dns", true),
                NioIoHandler.newFactory());
        DnsForwarder forwarder = new UpstreamForwarder(group, () -> forwardTo, upstreamTimeout,
                UpstreamForwarder.MAX_IN_FLIGHT);
        DnsQueryHandler handler = new DnsQueryHandler(directory, forwarder);
        this.udpInitializer = new DnsUdpInitializer(handler);
        this.tcpInitializer = new DnsTcpInitializer(handler);
    }

    /**
     * Serves DNS on {@code address} over UDP and TCP.
     *
     * @return the bound address: with port 0, the port picked (the same for UDP and TCP); pass it
     *         to {@link #unbind}
     * @throws IOException when the address cannot be bound (in use, not on this host)
     */
    public synchronized InetSocketAddress bind(InetSocketAddress address) throws IOException {
        if (closed) {
            throw new IllegalStateException("DNS server closed");
        }
        IOException last = null;
        for (int attempt = 0; attempt < (address.getPort() == 0 ? BIND_ATTEMPTS : 1); attempt++) {
            ChannelFuture udp = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .handler(udpInitializer)
                    .bind(address).awaitUninterruptibly();
            if (!udp.isSuccess()) {
                throw new IOException("cannot bind DNS (UDP) on " + address, udp.cause());
            }
            InetSocketAddress bound = (InetSocketAddress) udp.channel().localAddress();
            ChannelFuture tcp = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true) // rebind at once after a restart (TIME_WAIT)
                    .childHandler(tcpInitializer)
                    .bind(bound).awaitUninterruptibly();
            if (tcp.isSuccess()) {
                listeners.put(bound, new Listener(udp.channel(), tcp.channel()));
                refreshForwardTargets();
                LOG.info("DNS listening on {} (UDP and TCP)", bound);
                return bound;
            }
            udp.channel().close().awaitUninterruptibly();
            last = new IOException("cannot bind DNS (TCP) on " + bound, tcp.cause());
        }
        throw last;
    }

    /** Stops serving {@code bound} (as {@link #bind} returned it); unknown addresses are ignored. */
    public synchronized void unbind(InetSocketAddress bound) {
        Listener l = listeners.remove(bound);
        if (l != null) {
            close(l);
            refreshForwardTargets();
            LOG.info("DNS no longer listening on {}", bound);
        }
    }

    /** The addresses served now, as {@link #bind} returned them, in binding order. */
    public synchronized List<InetSocketAddress> boundAddresses() {
        return List.copyOf(listeners.keySet());
    }

    /** Unbinds everything and stops the threads; queries being forwarded are abandoned. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        listeners.values().forEach(DnsServer::close);
        listeners.clear();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private static void close(Listener l) {
        l.udp().close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        l.tcp().close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** A resolver that is one of our own addresses would send every unknown name round in a loop. */
    private void refreshForwardTargets() {
        List<InetSocketAddress> targets = new ArrayList<>(upstreams);
        targets.removeAll(listeners.keySet());
        forwardTo = List.copyOf(targets);
    }
}
