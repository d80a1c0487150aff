package io.orch.raft.ratis;

import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import java.util.Objects;

/**
 * Mutual TLS between the managers' Raft replicas. Every replica's gRPC port then requires a client
 * certificate that {@code trustManager} accepts, and every replica (its log appenders and its
 * proposal client) presents the certificate of {@code keyManager}. Peers dial the advertise
 * address, so the certificate must name it (IP or DNS subject alternative name) for the
 * JDK trust manager's host name check to pass.
 *
 * <p>Ratis hands both managers to Netty, which asks the key manager at every handshake (it caches
 * key material only for its own caching factory): a key manager that answers with a renewed
 * certificate is presented by every Raft connection made from then on, server and client side,
 * with no restart. Connections already open keep theirs.
 *
 * @param keyManager   this node's certificate chain and private key, as they are at each handshake
 * @param trustManager the cluster CA (only certificates it issued may talk Raft to this replica)
 */
public record RaftTls(X509KeyManager keyManager, X509TrustManager trustManager) {
    public RaftTls {
        Objects.requireNonNull(keyManager, "keyManager");
        Objects.requireNonNull(trustManager, "trustManager");
    }

    /** Never the key material: records print their components. */
    @Override
    public String toString() {
        return "RaftTls[mutual]";
    }
}
