package io.orch.agent.pki;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The JDK's PKIX trust manager over a given set of CAs and nothing else (not the JDK's own
 * trust store): signatures, validity, key usage and extended key usage checked by the JDK. The
 * trust managers of orch add their own rules on top (roles, client-only certificates, revocation).
 */
final class PkixTrust {
    private PkixTrust() {
    }

    /** @param what the CAs' name for the error, e.g. "the cluster CA" */
    static X509TrustManager of(List<X509Certificate> anchors, String what) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < anchors.size(); i++) {
                store.setCertificateEntry("ca-" + i, anchors.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            for (TrustManager tm : factory.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("the JDK offers no X509TrustManager");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a trust manager for " + what, e);
        }
    }
}
