package io.orch.agent.pki;

import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;

/**
 * The CA's check of a PKCS#10 request before it signs (Bouncy Castle: only {@link RootCa}'s signing
 * methods call this, see {@link CertificateSigner}). A node makes its request with the JDK alone
 * ({@link NodeCsr}, {@link io.orch.api.certs.CertificationRequest}).
 */
final class CertificateRequests {
    private CertificateRequests() {}

    /**
     * The public key of a CSR whose signature verifies (so whoever sent it holds the private key).
     *
     * @throws IllegalArgumentException "invalid certificate signing request: ..." otherwise
     */
    static PublicKey verifiedPublicKey(byte[] der) {
        if (der == null || der.length == 0) {
            throw invalid("it is empty");
        }
        PKCS10CertificationRequest csr;
        try {
            csr = new PKCS10CertificationRequest(der);
        } catch (IOException | RuntimeException e) {
            throw invalid("not a DER-encoded PKCS#10 request");
        }
        PublicKey key;
        try {
            key = new JcaPKCS10CertificationRequest(csr).getPublicKey();
        } catch (GeneralSecurityException | RuntimeException e) {
            throw invalid("unreadable public key");
        }
        try {
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
                throw invalid("its signature does not verify");
            }
        } catch (OperatorCreationException | PKCSException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw invalid("its signature cannot be checked");
        }
        requireStrongKey(key);
        return key;
    }

    private static void requireStrongKey(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            if (ec.getParams().getCurve().getField().getFieldSize() < 256) {
                throw invalid("EC keys must be at least 256 bits");
            }
        } else if (key instanceof RSAPublicKey rsa) {
            if (rsa.getModulus().bitLength() < 2048) {
                throw invalid("RSA keys must be at least 2048 bits");
            }
        } else {
            throw invalid("unsupported key algorithm " + key.getAlgorithm() + " (expected EC or RSA)");
        }
    }

    private static IllegalArgumentException invalid(String why) {
        return new IllegalArgumentException("invalid certificate signing request: " + why);
    }
}
