package io.orch.agent.api;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.orch.agent.pki.ApiTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The API server: binds the unix socket and/or a loopback TCP address, and shuts down. The
 * pipeline is {@link ApiInitializer}'s, the work {@link ApiHandler}'s.
 *
 * <pre>
 * ApiServer server = new ApiServer(context);
 * server.startUnix(Path.of("/run/orch/orch.sock"));
 * server.startTcp("127.0.0.1:2375");
 * ...
 * server.close();
 * </pre>
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** Handlers block on Raft commits; this many may wait at once before requests queue. */
    static final int BLOCKING_THREADS = 8;

    private final ApiInitializer initializer;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final EventExecutorGroup blocking;
    private final boolean epoll;
    /** Serves routes that expose no control (metrics only): plain HTTP may listen on any address. */
    private final boolean controlFree;
    private final TlsHandshakeLog tlsLog = new TlsHandshakeLog();
    private final List<Channel> listeners = new CopyOnWriteArrayList<>();
    private final List<Path> socketFiles = new CopyOnWriteArrayList<>();
    /** Open connections (a closed one leaves the group by itself), closed first on {@link #close()}. */
    private final io.netty.channel.group.ChannelGroup connections =
            new io.netty.channel.group.DefaultChannelGroup(io.netty.util.concurrent.GlobalEventExecutor.INSTANCE);

    public ApiServer(ApiContext context) {
        this(new ApiHandler(context), context.services().spoolDir());
    }

    /** A server for another route set (a worker-only node's, see {@link WorkerNodeApi}). */
    public ApiServer(ApiHandler handler, Path spoolDir) {
        this(handler, spoolDir, ApiLimits.DEFAULTS);
    }

    /** With other limits than the defaults (tests). */
    public ApiServer(ApiHandler handler, Path spoolDir, ApiLimits limits) {
        this(handler, spoolDir, limits, false);
    }

    /**
     * A server for routes that expose no control and take no upload ({@link MetricsOnlyApi}): its
     * plain-HTTP TCP listener may bind any address, and no Host check applies (there is nothing
     * a forged request could do). The connection caps and timeouts of the API still bound it.
     */
    public static ApiServer controlFree(ApiHandler handler) {
        return new ApiServer(handler, null, ApiLimits.DEFAULTS, true);
    }

    private ApiServer(ApiHandler handler, Path spoolDir, ApiLimits limits, boolean controlFree) {
        this.controlFree = controlFree;
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.boss = new MultiThreadIoEventLoopGroup(1, io);
        this.workers = new MultiThreadIoEventLoopGroup(2, io);
        this.blocking = new DefaultEventExecutorGroup(BLOCKING_THREADS);
        this.initializer = new ApiInitializer(handler, blocking, spoolDir, limits, !controlFree);
    }

    /**
     * Listens on a unix domain socket: creates the parent directory, replaces a stale socket file
     * left by a previous run, and makes the socket rw for owner and group only (0660), its group
     * {@code orch} when that group exists (see {@link SocketGroup}).
     */
    public void startUnix(Path socket) throws IOException, InterruptedException {
        if (!epoll) {
            throw new IllegalStateException("the unix socket API needs Netty's native epoll transport, which is unavailable: "
                    + Epoll.unavailabilityCause());
        }
        Path parent = socket.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (Files.exists(socket) && !Files.isRegularFile(socket) && !Files.isDirectory(socket)) {
            Files.delete(socket); // a socket file from a previous run: nobody is listening on it any more
        } else if (Files.exists(socket)) {
            throw new IOException(socket + " exists and is not a socket; refusing to replace it");
        }
        Channel ch = bind(EpollServerDomainSocketChannel.class, new DomainSocketAddress(socket.toFile()));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        SocketGroup.apply(socket);
        socketFiles.add(socket);
        LOG.info("API listening on unix://{}", socket);
        listeners.add(ch);
    }

    /** {@link #startTcp(InetSocketAddress)} for "host:port", as given to {@code --api-addr}. */
    public InetSocketAddress startTcp(String hostPort) throws InterruptedException, UnknownHostException {
        return startTcp(parseHostPort(hostPort));
    }

    /** Plain HTTP on TCP: see {@link #startTcp(InetSocketAddress, ApiTls)}. */
    public InetSocketAddress startTcp(InetSocketAddress address) throws InterruptedException, UnknownHostException {
        return startTcp(address, null);
    }

    /**
     * Listens on TCP. Without TLS only on a loopback address: plain HTTP has no client
     * authentication, so a listener on the network would hand the cluster to anyone on it. With
     * TLS (client certificates required, see {@link ApiTls}) on any address.
     *
     * @param tls the TLS of every connection, or null for plain HTTP
     * @return the bound address (the real port when {@code address} asked for port 0)
     */
    public InetSocketAddress startTcp(InetSocketAddress address, ApiTls tls) throws InterruptedException, UnknownHostException {
        InetAddress ip = address.isUnresolved() ? InetAddress.getByName(address.getHostString()) : address.getAddress();
        if (tls == null && !controlFree && !ip.isLoopbackAddress()) {
            throw new IllegalArgumentException("--api-addr " + format(address)
                    + ": plain HTTP is only allowed on a loopback address (add --tlsverify to serve TLS with client certificates)");
        }
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Channel ch = bind(type, new InetSocketAddress(ip, address.getPort()), tls);
        InetSocketAddress bound = (InetSocketAddress) ch.localAddress();
        LOG.info("{} listening on tcp://{}{}", controlFree ? "metrics" : "API", format(bound),
                tls == null ? "" : " (TLS, client certificates required)");
        listeners.add(ch);
        return bound;
    }

    private Channel bind(Class<? extends ServerChannel> type, java.net.SocketAddress address) throws InterruptedException {
        return bind(type, address, null);
    }

    private Channel bind(Class<? extends ServerChannel> type, java.net.SocketAddress address, ApiTls tls) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(type)
                .childHandler(new io.netty.channel.ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        if (tls != null) {
                            // named "tls": the initializer sees the connection is not plain TCP
                            ch.pipeline().addLast(ApiInitializer.TLS, tls.newHandler(ch.alloc()));
                            ch.pipeline().addLast(TlsHandshakeLog.NAME, tlsLog);
                        }
                        ch.pipeline().addLast(initializer);
                    }
                });
        if (address instanceof InetSocketAddress) {
            b.option(ChannelOption.SO_REUSEADDR, true);
        }
        return b.bind(address).sync().channel();
    }

    /** Stops listening, lets in-flight requests finish briefly, removes the socket files. */
    @Override
    public void close() {
        stopListening();
        // the open connections first, while the threads their pipelines hop between still run:
        // a connection torn down by the groups' shutdown makes Netty log RejectedExecutionException
        // traces (seen on every role switch with a client connected)
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        blocking.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /**
     * Stops accepting connections and removes the socket files, but keeps the connections already
     * open (and the threads serving them): the request that makes a node join or leave a swarm is
     * answered here while the node's next API binds the same addresses. {@link #close()} afterwards.
     */
    public void stopListening() {
        for (Channel ch : listeners) {
            ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        listeners.clear();
        for (Path p : socketFiles) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.warn("could not remove the API socket {}: {}", p, e.toString());
            }
        }
        socketFiles.clear();
    }

    /** Parses "host:port" or "[v6]:port". */
    static InetSocketAddress parseHostPort(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("--api-addr " + hostPort + ": expected HOST:PORT");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--api-addr " + hostPort + ": invalid port");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--api-addr " + hostPort + ": port must be 0..65535");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static String format(InetSocketAddress a) {
        String host = a.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
