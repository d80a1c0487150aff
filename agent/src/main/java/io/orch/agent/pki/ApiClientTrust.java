package io.orch.agent.pki;

import javax.net.ssl.X509TrustManager;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Who may open a TLS connection to the API: a client whose certificate chains (JDK PKIX: signature,
 * validity, key usage, extended key usage clientAuth) to one of the trusted CAs ({@code --tlscacert},
 * else the cluster's root CA). A certificate the cluster's root CA signed must moreover be an API
 * client certificate ({@link ClientCertificates}): every node holds one of that CA too, and a
 * worker's must not drive the cluster. Host names are not checked (clients have none to check).
 */
final class ApiClientTrust extends ChainOnlyTrustManager {
    private final List<X509Certificate> anchors;
    private final X509TrustManager pkix;
    private final List<X509Certificate> clusterRoots;
    private final String clusterId;

    /**
     * @param anchors   the CAs client certificates may come from
     * @param clusterRoots the cluster's root CAs (two during a root rotation), whose certificates
     *                     must be client certificates; empty when the node is in no cluster yet
     * @param clusterId    the cluster's id (the O of its certificates); null without {@code clusterRoots}
     */
    ApiClientTrust(List<X509Certificate> anchors, List<X509Certificate> clusterRoots, String clusterId) {
        if (anchors.isEmpty()) {
            throw new IllegalArgumentException("no CA to trust API clients of");
        }
        this.anchors = List.copyOf(anchors);
        this.pkix = PkixTrust.of(this.anchors, "the API's client CAs");
        this.clusterRoots = List.copyOf(clusterRoots);
        this.clusterId = clusterId;
    }


    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the client sent no certificate");
        }
        try {
            pkix.checkClientTrusted(chain, authType);
        } catch (CertificateException e) {
            throw new CertificateException("the client certificate is not from a CA the API trusts: " + e.getMessage(), e);
        }
        if (clusterRoots.stream().anyMatch(root -> issuedBy(chain[0], root))) {
            String why = ClientCertificates.whyNotClient(chain[0], clusterId);
            if (why != null) {
                throw new CertificateException("the client certificate is refused: " + why);
            }
        }
    }

    private static boolean issuedBy(X509Certificate leaf, X509Certificate ca) {
        if (!leaf.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            return false;
        }
        try {
            leaf.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the API's trust manager judges clients only");
    }

    /** Named in the server's certificate request, so clients pick a matching certificate. */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return anchors.toArray(X509Certificate[]::new);
    }
}
