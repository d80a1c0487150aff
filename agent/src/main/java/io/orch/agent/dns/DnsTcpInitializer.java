package io.orch.agent.dns;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;
import io.netty.handler.timeout.ReadTimeoutHandler;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds the pipeline of one TCP connection, or refuses it when {@link #MAX_CONNECTIONS} are
 * already open (each one holds buffers; a client that opens many must not starve the others).
 */
final class DnsTcpInitializer extends ChannelInitializer<SocketChannel> {
    static final int MAX_CONNECTIONS = 256;
    /**
     * RFC 7766 wants idle connections closed after a few seconds. Long enough for a forward
     * that tries every upstream in turn (3 resolvers at 2 s), short enough to free the slot.
     */
    static final int IDLE_SECONDS = 10;

    private final DnsQueryHandler handler;
    private final AtomicInteger open = new AtomicInteger();

    DnsTcpInitializer(DnsQueryHandler handler) {
        this.handler = handler;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (open.incrementAndGet() > MAX_CONNECTIONS) {
            open.decrementAndGet();
            ch.close();
            return;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        ch.pipeline()
                .addLast("idle", new ReadTimeoutHandler(IDLE_SECONDS, TimeUnit.SECONDS))
                .addLast("encode", new TcpDnsResponseEncoder()) // forwarded answers pass through, already framed
                .addLast("decode", new DnsTcpQueryDecoder())
                .addLast("dns", handler);
    }
}
