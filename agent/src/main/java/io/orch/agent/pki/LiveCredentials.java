package io.orch.agent.pki;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;

import javax.net.ssl.KeyManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import java.util.Objects;
import java.util.Optional;

/**
 * A node's credentials as they are now, for the node's whole run: a renewal or a role change
 * {@link #replace}s them, and every TLS context built here presents the new certificate from its
 * next connection on: the gRPC servers and channels through {@link RenewingSslContext}, the Raft
 * transport through {@link #keyManager()}. Connections already open keep the certificate they
 * were made with: TLS checks a certificate once, at the handshake.
 */
public final class LiveCredentials {
    /** The credentials a handshake can be handed, under the alias their key manager knows them by. */
    record Presented(NodeCredentials credentials, String alias, X509KeyManager keys) {
        static Presented of(NodeCredentials credentials) {
            String alias = "node-" + credentials.serial();
            for (KeyManager km : credentials.keyManagerFactory(alias).getKeyManagers()) {
                if (km instanceof X509KeyManager x509) {
                    return new Presented(credentials, alias, x509);
                }
            }
            throw new IllegalStateException("the JDK offers no X509KeyManager");
        }
    }

    private final RenewableKeyManager keyManager = new RenewableKeyManager(this);
    private volatile Presented current;
    /** Still readable for a handshake that chose its alias just before the last replace. */
    private volatile Presented previous;

    private final LiveRevocations revocations;

    private LiveCredentials(NodeCredentials credentials, LiveRevocations revocations) {
        this.current = Presented.of(credentials);
        this.previous = current;
        this.revocations = revocations;
    }

    /** Credentials whose contexts enforce no revocation list: for tools and tests without a cluster. */
    public static LiveCredentials of(NodeCredentials credentials) {
        return of(credentials, LiveRevocations.none());
    }

    /** Every TLS context built here refuses what {@code revocations} holds at each handshake. */
    public static LiveCredentials of(NodeCredentials credentials, LiveRevocations revocations) {
        return new LiveCredentials(Objects.requireNonNull(credentials, "credentials"),
                Objects.requireNonNull(revocations, "revocations"));
    }

    public LiveRevocations revocations() {
        return revocations;
    }

    public NodeCredentials current() {
        return current.credentials();
    }

    /**
     * From the next handshake on, {@code next} is presented, and its roots are the ones trusted. It
     * must be this node's, in this cluster, and trust at least one root trusted now (its role may
     * differ: a promotion or demotion; its roots too: a root rotation adds the new root, and its end
     * drops the old).
     *
     * @throws IllegalArgumentException if {@code next} is another node's or shares no root with the current
     */
    public synchronized void replace(NodeCredentials next) {
        NodeCredentials now = current();
        if (!next.nodeId().equals(now.nodeId()) || !next.clusterId().equals(now.clusterId())) {
            throw new IllegalArgumentException("credentials of node " + next.nodeId() + " in cluster " + next.clusterId()
                    + " cannot replace those of node " + now.nodeId() + " in cluster " + now.clusterId());
        }
        if (!next.trustsAnyOf(now.trustedRoots())) {
            throw new IllegalArgumentException("the new certificate is of another root CA");
        }
        Presented replacing = current;
        current = Presented.of(next);
        previous = replacing;
    }

    Presented presented() {
        return current;
    }

    /** The credentials known under {@code alias}, or null. */
    Presented presented(String alias) {
        Presented now = current;
        if (now.alias().equals(alias)) {
            return now;
        }
        Presented before = previous;
        return before.alias().equals(alias) ? before : null;
    }

    /** For the Raft transport: presents the current certificate at every handshake. */
    public X509ExtendedKeyManager keyManager() {
        return keyManager;
    }

    /**
     * Trusts certificates of this cluster's root CAs whose role is {@code peerRole}: the roots held
     * at each handshake, so the Raft transport (which builds its TLS contexts once) follows a root
     * rotation without a restart.
     */
    public X509TrustManager trustManager(NodeRole peerRole) {
        return new LiveTrustManager(this, peerRole);
    }

    /**
     * For the Raft transport: certificates of this cluster's root CA whose role is {@code peerRole}
     * and that {@code policy} does not refuse, at the handshake and for as long as the connection lasts.
     */
    public X509TrustManager trustManager(NodeRole peerRole, PeerRevocation policy) {
        return current().x509TrustManager(peerRole, revocations, policy);
    }

    /**
     * gRPC server side with a chosen client-certificate policy (see {@link NodeCredentials#serverContext(ClientAuth)}),
     * presenting the current certificate at each new connection ({@link RenewingSslContext}).
     */
    public SslContext serverContext(ClientAuth clientAuth) {
        return serverContext(clientAuth, PeerRevocation.STRICT);
    }

    /** A server context whose handshake refuses the revoked peers {@code handshake} names. */
    public SslContext serverContext(ClientAuth clientAuth, PeerRevocation handshake) {
        return new RenewingSslContext(this, credentials -> credentials.serverContext(clientAuth, revocations, handshake));
    }

    /** gRPC client side: presents the current certificate at each new connection; trusts any node of this cluster. */
    public SslContext clientContext() {
        return new RenewingSslContext(this, credentials -> credentials.clientContext(Optional.empty(), revocations));
    }

    /** gRPC client side that also requires the server to hold a certificate of {@code serverRole}. */
    public SslContext clientContext(NodeRole serverRole) {
        return new RenewingSslContext(this, credentials -> credentials.clientContext(Optional.of(serverRole), revocations));
    }

    @Override
    public String toString() {
        return "LiveCredentials[" + current() + "]";
    }
}
