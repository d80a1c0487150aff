package io.orch.agent.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/** Key pairs and the checks on them. The JDK's own providers do the work; Bouncy Castle only builds certificates ({@link CertificateSigner}). */
final class Keys {
    static final SecureRandom RANDOM = new SecureRandom();

    private Keys() {}

    /** ECDSA P-256, like Swarm's keys. */
    static KeyPair newEcKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA P-256 is not available", e);
        }
    }

    static String signatureAlgorithm(PrivateKey key) {
        return signatureAlgorithm(key.getAlgorithm());
    }

    /** @param keyAlgorithm "EC" or "RSA" */
    static String signatureAlgorithm(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> throw new IllegalArgumentException("unsupported key algorithm " + keyAlgorithm);
        };
    }

    /** Whether {@code key} is the private half of {@code publicKey}: sign a nonce, verify it. */
    static boolean matches(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        try {
            byte[] nonce = new byte[32];
            RANDOM.nextBytes(nonce);
            String algorithm = signatureAlgorithm(key);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(nonce);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(nonce);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
