package io.orch.agent.images;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.orch.agent.pki.PeerIdentity;
import io.orch.agent.rpc.RpcServer;
import io.orch.api.proto.ImageArchiveChunk;
import io.orch.api.proto.ImageLoadReply;
import io.orch.api.proto.NodeImagesGrpc;
import io.orch.runtime.image.ImageException;
import io.orch.runtime.image.ImageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Receives image archives from managers ({@code orch image load --node/--all-nodes}) into this
 * node's store. Each chunk is written to a file in the store's staging area as it arrives (gRPC
 * asks for the next message only after {@code onNext} returns, so a fast sender waits for the
 * disk instead of filling memory); the file is loaded when the stream ends, and always removed.
 * Only a manager certificate of this cluster is answered.
 */
public final class NodeImagesService extends NodeImagesGrpc.NodeImagesImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(NodeImagesService.class);

    private final ImageStore images;
    private final String clusterId;

    public NodeImagesService(ImageStore images, String clusterId) {
        this.images = images;
        this.clusterId = clusterId;
    }

    @Override
    public StreamObserver<ImageArchiveChunk> load(StreamObserver<ImageLoadReply> reply) {
        Path file;
        OutputStream out;
        try {
            authorize();
            Path staging = Files.createDirectories(images.root().resolve("tmp"));
            file = Files.createTempFile(staging, "rpc-load-", ".tar");
            out = Files.newOutputStream(file);
        } catch (StatusRuntimeException e) {
            reply.onError(e);
            return discarding();
        } catch (IOException e) {
            reply.onError(Status.INTERNAL.withDescription("cannot stage the image archive: " + e.getMessage()).asRuntimeException());
            return discarding();
        }
        return new StreamObserver<>() {
            private boolean failed;

            @Override
            public void onNext(ImageArchiveChunk chunk) {
                if (failed) {
                    return;
                }
                try {
                    chunk.getData().writeTo(out);
                } catch (IOException e) {
                    failed = true;
                    cleanUp();
                    reply.onError(Status.INTERNAL.withDescription("writing the image archive failed: " + e.getMessage())
                            .asRuntimeException());
                }
            }

            @Override
            public void onError(Throwable t) {
                cleanUp(); // the manager went away or cancelled: nothing is loaded
            }

            @Override
            public void onCompleted() {
                if (failed) {
                    return;
                }
                try {
                    out.close();
                    ImageLoadReply.Builder answer = ImageLoadReply.newBuilder().addAllLoaded(LoadedLines.of(images.load(file)));
                    reply.onNext(answer.build());
                    reply.onCompleted();
                } catch (ImageException e) {
                    reply.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
                } catch (IOException e) {
                    LOG.warn("loading an image archive sent by a manager failed: {}", e.toString());
                    reply.onError(Status.INTERNAL.withDescription("loading the image archive failed: " + e.getMessage())
                            .asRuntimeException());
                } finally {
                    cleanUp();
                }
            }

            private void cleanUp() {
                try {
                    out.close();
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.warn("could not remove the staged image archive {}: {}", file, e.toString());
                }
            }
        };
    }

    private static StreamObserver<ImageArchiveChunk> discarding() {
        return new StreamObserver<>() {
            @Override
            public void onNext(ImageArchiveChunk value) {
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        };
    }

    /** A manager certificate of this cluster, or the call is refused. */
    private void authorize() {
        PeerIdentity peer;
        try {
            peer = PeerIdentity.fromSslSession(RpcServer.PEER_TLS.get());
        } catch (IllegalArgumentException e) {
            throw Status.UNAUTHENTICATED.withDescription("image loads need a node certificate: " + e.getMessage()).asRuntimeException();
        }
        if (!peer.clusterId().equals(clusterId)) {
            throw Status.PERMISSION_DENIED.withDescription("node " + peer.nodeId() + " is not a member of this cluster").asRuntimeException();
        }
        if (!peer.isManager()) {
            throw Status.PERMISSION_DENIED.withDescription("only managers may send images to other nodes; node "
                    + peer.nodeId() + " is a worker").asRuntimeException();
        }
    }
}
