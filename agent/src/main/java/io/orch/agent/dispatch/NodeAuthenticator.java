package io.orch.agent.dispatch;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.orch.agent.pki.PeerIdentity;
import io.orch.agent.rpc.RpcServer;

/**
 * Says which node is calling, from the current gRPC call's context. Never from a message: a
 * worker could claim any id. Production reads the mTLS peer certificate; tests plug in their own.
 */
@FunctionalInterface
public interface NodeAuthenticator {
    /**
     * The calling node's id.
     *
     * @throws StatusRuntimeException UNAUTHENTICATED when the caller proves no node identity
     */
    String nodeId();

    /**
     * The node id is the common name of the client certificate the TLS layer verified against the
     * cluster root CA ({@link RpcServer#PEER_TLS}, read through {@link PeerIdentity}).
     */
    static NodeAuthenticator peerCertificateCommonName() {
        return () -> {
            try {
                return PeerIdentity.fromSslSession(RpcServer.PEER_TLS.get()).nodeId();
            } catch (IllegalArgumentException e) {
                throw Status.UNAUTHENTICATED.withDescription("the dispatcher needs a node certificate: " + e.getMessage())
                        .asRuntimeException();
            }
        };
    }
}
