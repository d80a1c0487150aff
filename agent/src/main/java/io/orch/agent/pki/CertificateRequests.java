package io.orch.agent.pki;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;

/** PKCS#10 requests: a node makes one for its key; the CA checks one before signing. */
final class CertificateRequests {
    private CertificateRequests() {}

    /** A CSR for {@code pair}, DER. The subject is a placeholder: the CA sets the real one. */
    static byte[] create(KeyPair pair) {
        try {
            PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=orch-node"), pair.getPublic())
                    .build(new JcaContentSignerBuilder(Keys.signatureAlgorithm(pair.getPrivate())).build(pair.getPrivate()));
            return csr.getEncoded();
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot create the certificate signing request", e);
        }
    }

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
