package io.orch.agent.pki;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Set;
import java.util.WeakHashMap;
import java.lang.ref.WeakReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The TLS connections this node has admitted, with the peer each one authenticated and the
 * policy that keeps it open: TLS checks a certificate only at the handshake, so when a peer is
 * revoked its established connections are closed here (their TLS engines are shut, which fails
 * every later write on them, and the peer, told by a close_notify, drops the connection and dials
 * again; the new handshake is refused, also when it would resume a TLS session). Engines are held weakly: a connection that closed on its own is
 * forgotten at the next sweep. The number held is that of the open connections.
 */
final class PeerConnections {
    private static final Logger log = LoggerFactory.getLogger(PeerConnections.class);

    /**
     * @param refusedWhenAdmitted the policy already refused the peer then (a demoted manager that
     *     the handshake let through for the Renew RPC): only a change closes a connection
     */
    private record Admitted(WeakReference<SSLEngine> engine, PeerIdentity peer, PeerRevocation keepOpen,
                            boolean refusedWhenAdmitted) {}

    // guarded by this
    private final List<Admitted> admitted = new ArrayList<>();
    /** The session caches of the TLS contexts that admitted peers (one per context: a handful). */
    private final Set<SSLSessionContext> sessionCaches = Collections.newSetFromMap(new WeakHashMap<>());
    private int sweepAt = 64;

    synchronized void admitted(SSLEngine engine, PeerIdentity peer, PeerRevocation keepOpen, boolean refusedWhenAdmitted) {
        if (admitted.size() >= sweepAt) {
            admitted.removeIf(a -> isGone(a.engine().get()));
            sweepAt = Math.max(64, admitted.size() * 2);
        }
        admitted.add(new Admitted(new WeakReference<>(engine), peer, keepOpen, refusedWhenAdmitted));
        SSLSession session = engine.getHandshakeSession();
        if (session != null && session.getSessionContext() != null) {
            sessionCaches.add(session.getSessionContext());
        }
    }

    void closeRefused(RevocationList list, Instant now) {
        List<SSLEngine> closing = new ArrayList<>();
        List<SSLSessionContext> caches;
        synchronized (this) {
            caches = List.copyOf(sessionCaches);
            admitted.removeIf(a -> {
                SSLEngine engine = a.engine().get();
                if (isGone(engine)) {
                    return true;
                }
                Optional<String> refusal = a.keepOpen().refusal(a.peer(), list, now);
                if (refusal.isPresent() && !a.refusedWhenAdmitted()) {
                    log.info("closing a connection of node {} ({}): {}", a.peer().nodeId(),
                            a.peer().role().name().toLowerCase(), refusal.get());
                    closing.add(engine);
                    return true;
                }
                return false;
            });
        }
        closing.forEach(PeerConnections::shut);
        caches.forEach(cache -> forgetRefusedSessions(cache, list, now));
    }

    /**
     * A resumed TLS session skips the certificate checks, so a revoked peer's cached sessions are
     * invalidated: its next connection makes a full handshake, which is refused. (The agent turns
     * stateless session tickets off, {@link TlsSessionTickets}: a ticket cannot be invalidated.)
     */
    private static void forgetRefusedSessions(SSLSessionContext cache, RevocationList list, Instant now) {
        for (Enumeration<byte[]> ids = cache.getIds(); ids.hasMoreElements(); ) {
            SSLSession session = cache.getSession(ids.nextElement());
            if (session == null) {
                continue;
            }
            try {
                Certificate[] chain = session.getPeerCertificates();
                if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
                    PeerIdentity peer = PeerIdentity.fromCertificate(leaf);
                    if (PeerRevocation.STRICT.refusal(peer, list, now).isPresent()) {
                        session.invalidate();
                    }
                }
            } catch (SSLPeerUnverifiedException | IllegalArgumentException e) {
                // an anonymous session (a joining node) or not a node certificate: nothing to revoke
            }
        }
    }

    synchronized int size() {
        return admitted.size();
    }

    private static boolean isGone(SSLEngine engine) {
        return engine == null || (engine.isInboundDone() && engine.isOutboundDone());
    }

    private static void shut(SSLEngine engine) {
        engine.closeOutbound();
    }
}
