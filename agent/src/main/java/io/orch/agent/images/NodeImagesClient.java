package io.orch.agent.images;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.netty.handler.ssl.SslContext;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.orch.agent.rpc.NodeChannels;
import io.orch.api.proto.ImageArchiveChunk;
import io.orch.api.proto.ImageLoadReply;
import io.orch.api.proto.NodeImagesGrpc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A manager's side of {@code NodeImages}: streams an archive file to another node over mutual
 * TLS ({@link NodeChannels}) in {@link #CHUNK_BYTES} pieces, sending the next only when the transport is ready for it,
 * so at most a few chunks per transfer are ever in memory whatever the image's size.
 */
public final class NodeImagesClient implements AutoCloseable {
    static final int CHUNK_BYTES = 1 << 20;
    public static final Duration CONNECT_TIMEOUT = NodeChannels.CONNECT_TIMEOUT;
    /** How long a node may take to load the archive once it has it all (unpacking layers). */
    static final Duration LOAD_TIMEOUT = Duration.ofMinutes(10);

    private final NodeChannels channels; // thread-safe itself: load() runs for several nodes at once (ImageLoadFanOut)

    /** @param tls client context: this manager's certificate, trusting the cluster root CA */
    public NodeImagesClient(SslContext tls) {
        this.channels = new NodeChannels(tls, "the node images client");
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
        return channels.to(address);
    }

    @Override
    public void close() {
        channels.close();
    }
}
