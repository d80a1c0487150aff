package io.orch.api.certs;

import javax.security.auth.x500.X500Principal;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;

/**
 * A PKCS#10 certificate signing request (RFC 2986) for an EC key, signed with ECDSA and SHA-256:
 * CertificationRequest {CertificationRequestInfo {0, subject, SubjectPublicKeyInfo, [0] no
 * attributes}, ecdsa-with-SHA256, BIT STRING signature}. The JDK signs; {@link Der} encodes.
 */
public final class CertificationRequest {
    static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";

    private CertificationRequest() {}

    /** DER of a CSR for {@code pair} with the subject {@code subject} ("CN=alice"). */
    public static byte[] create(String subject, KeyPair pair) throws GeneralSecurityException {
        if (!(pair.getPrivate() instanceof ECPrivateKey)) {
            throw new IllegalArgumentException("only EC keys are supported, not " + pair.getPrivate().getAlgorithm());
        }
        byte[] info = Der.sequence(
                Der.integer(0),
                new X500Principal(subject).getEncoded(),
                pair.getPublic().getEncoded(), // X.509 SubjectPublicKeyInfo
                new byte[] {(byte) 0xa0, 0}); // [0] IMPLICIT SET OF Attribute: none
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.getPrivate());
        signer.update(info);
        // ecdsa-with-SHA256 has no parameters: the field is absent, not NULL (RFC 5758)
        return Der.sequence(info, Der.sequence(Der.oid(ECDSA_WITH_SHA256)), Der.bitString(signer.sign()));
    }
}
