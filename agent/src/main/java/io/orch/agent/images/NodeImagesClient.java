package io.orch.agent.images;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.orch.api.proto.ImageArchiveChunk;
import io.orch.api.proto.ImageLoadReply;
import io.orch.api.proto.NodeImagesGrpc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A manager's side of {@code NodeImages}: streams an archive file to another node over mutual
 * TLS in {@link #CHUNK_BYTES} pieces, sending the next only when the transport is ready for it,
 * so at most a few chunks per transfer are ever in memory whatever the image's size.
 */
public final class NodeImagesClient implements AutoCloseable {
    static final int CHUNK_BYTES = 1 << 20;
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** How long a node may take to load the archive once it has it all (unpacking layers). */
    static final Duration LOAD_TIMEOUT = Duration.ofMinutes(10);

    private final SslContext tls;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param tls client context: this manager's certificate, trusting the cluster root CA */
    public NodeImagesClient(SslContext tls) {
        this.tls = tls;
    }

    /** Why a node did not load an archive, in one line. */
    public static final class LoadFailedException extends Exception {
        public LoadFailedException(String message) {
            super(message);
        }
    }

    /** Sends {@code archive} to the node at {@code address}; answers what it loaded ("Loaded image: ..."). */
    public List<String> load(String address, Path archive) throws IOException, LoadFailedException, InterruptedException {
        CompletableFuture<ImageLoadReply> answer = new CompletableFuture<>();
        Object ready = new Object();
        ClientResponseObserver<ImageArchiveChunk, ImageLoadReply> responses = new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<ImageArchiveChunk> requests) {
                requests.setOnReadyHandler(() -> {
                    synchronized (ready) {
                        ready.notifyAll();
                    }
                });
            }

            @Override
            public void onNext(ImageLoadReply value) {
                answer.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                answer.completeExceptionally(t);
                synchronized (ready) {
                    ready.notifyAll();
                }
            }

            @Override
            public void onCompleted() {
                answer.complete(ImageLoadReply.getDefaultInstance());
            }
        };
        ClientCallStreamObserver<ImageArchiveChunk> requests =
                (ClientCallStreamObserver<ImageArchiveChunk>) NodeImagesGrpc.newStub(channel(address)).load(responses);
        try (InputStream in = Files.newInputStream(archive)) {
            byte[] buffer = new byte[CHUNK_BYTES];
            int n;
            while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                synchronized (ready) {
                    while (!requests.isReady() && !answer.isDone()) {
                        ready.wait(1000); // woken by the on-ready handler; the timeout only re-checks
                    }
                }
                if (answer.isDone()) {
                    break; // the node refused or failed: its answer says why
                }
                requests.onNext(ImageArchiveChunk.newBuilder().setData(ByteString.copyFrom(buffer, 0, n)).build());
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            requests.cancel("the manager stopped sending", e);
            throw e;
        }
        if (!answer.isDone()) {
            requests.onCompleted();
        }
        try {
            return answer.get(LOAD_TIMEOUT.toSeconds(), TimeUnit.SECONDS).getLoadedList();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StatusRuntimeException s) {
                String d = s.getStatus().getDescription();
                throw new LoadFailedException(d != null ? d : s.getStatus().getCode().toString());
            }
            throw new LoadFailedException(String.valueOf(cause));
        } catch (TimeoutException e) {
            requests.cancel("timed out", null);
            throw new LoadFailedException("the node did not finish loading within " + LOAD_TIMEOUT.toMinutes() + " minutes");
        }
    }

    private ManagedChannel channel(String address) {
        if (closed) {
            throw new IllegalStateException("the node images client is closed");
        }
        return channels.computeIfAbsent(address, a -> NettyChannelBuilder.forTarget(a)
                .sslContext(tls)
                .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
                .keepAliveTime(10, TimeUnit.SECONDS)
                .keepAliveTimeout(5, TimeUnit.SECONDS)
                .build());
    }

    @Override
    public void close() {
        closed = true;
        for (ManagedChannel c : channels.values()) {
            c.shutdownNow();
        }
        for (ManagedChannel c : channels.values()) {
            try {
                c.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        channels.clear();
    }
}
