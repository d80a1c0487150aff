package io.orch.agent.pki;

import javax.net.ssl.X509TrustManager;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Trusts a peer only if its chain verifies against one of the cluster's root CAs (one, or the old
 * and the new during a root rotation: a certificate of the new root arrives with the new root
 * cross-signed by the old, so either root verifies it), with the JDK's
 * PKIX checks (signatures, validity, key usage and extended key usage). Host names are not
 * checked: node addresses change, and identity comes from the certificate (CN = node id, OU =
 * role), as in Swarm. When a role is required (a worker dialling a manager) the peer's OU must
 * name it, so a worker's certificate cannot pose as a manager.
 */
final class ClusterTrustManager extends ChainOnlyTrustManager {
    private final List<X509Certificate> roots;
    private final X509TrustManager pkix;
    private final Optional<NodeRole> requiredPeerRole;

    ClusterTrustManager(X509Certificate ca, Optional<NodeRole> requiredPeerRole) {
        this(List.of(ca), requiredPeerRole);
    }

    ClusterTrustManager(List<X509Certificate> roots, Optional<NodeRole> requiredPeerRole) {
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("no root CA to trust");
        }
        this.roots = List.copyOf(roots);
        this.requiredPeerRole = requiredPeerRole;
        this.pkix = PkixTrust.of(this.roots, "the cluster CA");
    }


    List<X509Certificate> roots() {
        return roots;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        requireChain(chain);
        try {
            pkix.checkClientTrusted(chain, authType);
        } catch (CertificateException e) {
            throw new CertificateException("the client certificate is not from this cluster's root CA: " + e.getMessage(), e);
        }
        requireRole(chain[0]);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        requireChain(chain);
        try {
            pkix.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw new CertificateException("the server certificate is not from this cluster's root CA: " + e.getMessage(), e);
        }
        requireRole(chain[0]);
    }

    private static void requireChain(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the peer sent no certificate");
        }
    }

    private void requireRole(X509Certificate leaf) throws CertificateException {
        if (requiredPeerRole.isPresent() && !requiredPeerRole.get().ou().equals(Subjects.ou(leaf))) {
            throw new CertificateException("the peer is not a " + requiredPeerRole.get().name().toLowerCase()
                    + " (its certificate says \"" + Subjects.ou(leaf) + "\")");
        }
    }





    /** Servers name this CA in their certificate request, so clients pick the matching certificate. */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return roots.toArray(new X509Certificate[0]);
    }
}
