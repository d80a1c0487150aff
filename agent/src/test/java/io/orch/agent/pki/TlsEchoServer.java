package io.orch.agent.pki;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.SslContext;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real gRPC server over TLS on loopback with one method, {@code WhoAmI}, answering with the
 * caller's {@link PeerIdentity} as the server's TLS session reads it ("anonymous" without a
 * client certificate). Ports come from this helper's range, 21000-21099.
 */
final class TlsEchoServer implements AutoCloseable {
    private static final AtomicInteger NEXT_PORT = new AtomicInteger(21000);
    private static final int LAST_PORT = 21099;
    private static final Context.Key<SSLSession> TLS = Context.key("test-peer-tls");

    static final MethodDescriptor<String, String> WHO_AM_I = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("orch.test.Echo/WhoAmI")
            .setRequestMarshaller(new Utf8())
            .setResponseMarshaller(new Utf8())
            .build();
    /** Answers with the serial (hex) of the certificate the caller presented, or "none". */
    static final MethodDescriptor<String, String> CLIENT_SERIAL = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("orch.test.Echo/ClientSerial")
            .setRequestMarshaller(new Utf8())
            .setResponseMarshaller(new Utf8())
            .build();

    /** The certificates one call's connection was made with, as each end saw the other's. */
    record Serials(String server, String client) {}

    private final Server server;

    TlsEchoServer(SslContext tls) {
        this.server = start(tls);
    }

    private static Server start(SslContext tls) {
        ServerServiceDefinition echo = ServerServiceDefinition.builder("orch.test.Echo")
                .addMethod(WHO_AM_I, ServerCalls.asyncUnaryCall((request, response) -> {
                    SSLSession session = TLS.get();
                    String who;
                    try {
                        PeerIdentity id = PeerIdentity.fromSslSession(session);
                        who = id.nodeId() + "/" + id.role() + "/" + id.clusterId();
                    } catch (IllegalArgumentException e) {
                        who = "anonymous";
                    }
                    response.onNext(who);
                    response.onCompleted();
                }))
                .addMethod(CLIENT_SERIAL, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(serialOf(TLS.get()));
                    response.onCompleted();
                }))
                .build();
        ServerInterceptor captureTls = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
                return Contexts.interceptCall(Context.current().withValue(TLS, session), call, headers, next);
            }
        };
        while (true) {
            int port = NEXT_PORT.getAndIncrement();
            if (port > LAST_PORT) {
                throw new IllegalStateException("no free port left in 21000-21099");
            }
            Server s = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                    .sslContext(tls)
                    .addService(ServerInterceptors.intercept(echo, captureTls))
                    .build();
            try {
                return s.start();
            } catch (IOException e) {
                if (!(e.getCause() instanceof BindException) && !(e instanceof BindException)) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    int port() {
        return server.getPort();
    }

    /** Calls WhoAmI with {@code tls}; throws the call's StatusRuntimeException when TLS refuses. */
    String whoAmI(SslContext tls) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port()).sslContext(tls).build();
        try {
            return ClientCalls.blockingUnaryCall(channel, WHO_AM_I, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "hi");
        } finally {
            channel.shutdownNow();
        }
    }

    /** A channel of its own to this server: its first call makes a new TLS connection. */
    ManagedChannel channel(SslContext tls) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port()).sslContext(tls).build();
    }

    /** Calls ClientSerial over {@code channel}: which certificate each end of its connection presented. */
    static Serials serials(ManagedChannel channel) {
        AtomicReference<SSLSession> serverSide = new AtomicReference<>();
        ClientInterceptor capture = new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                ClientCall<Q, R> call = next.newCall(method, options);
                return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                            @Override
                            public void onHeaders(Metadata received) {
                                serverSide.set(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
                                super.onHeaders(received);
                            }
                        }, headers);
                    }
                };
            }
        };
        String client = ClientCalls.blockingUnaryCall(ClientInterceptors.intercept(channel, capture), CLIENT_SERIAL,
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "hi");
        return new Serials(serialOf(serverSide.get()), client);
    }

    private static String serialOf(SSLSession session) {
        try {
            Certificate[] chain = session == null ? null : session.getPeerCertificates();
            return chain != null && chain.length > 0 && chain[0] instanceof X509Certificate leaf
                    ? leaf.getSerialNumber().toString(16) : "none";
        } catch (SSLPeerUnverifiedException e) {
            return "none";
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static final class Utf8 implements MethodDescriptor.Marshaller<String> {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
