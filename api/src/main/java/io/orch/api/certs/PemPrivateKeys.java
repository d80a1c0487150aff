package io.orch.api.certs;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import java.util.Map;

/**
 * An unencrypted private key from a PEM file, in the three forms docker's key.pem comes in:
 * PKCS#8 "PRIVATE KEY" (openssl 3, orch cert issue), PKCS#1 "RSA PRIVATE KEY" and SEC1 "EC PRIVATE
 * KEY" (older openssl, docker-machine). The JDK only reads PKCS#8, so the other two are wrapped in a
 * PKCS#8 PrivateKeyInfo first (RFC 5208; for EC the curve comes from the SEC1 key's parameters, RFC 5915).
 * Errors never quote the key.
 */
public final class PemPrivateKeys {
    static final String RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
    static final String EC_PUBLIC_KEY = "1.2.840.10045.2.1";
    /** PKCS#8 algorithm identifiers the JDK has a KeyFactory for, by the factory's name. */
    private static final Map<String, String> KEY_FACTORIES = Map.of(
            RSA_ENCRYPTION, "RSA",
            "1.2.840.113549.1.1.10", "RSASSA-PSS",
            EC_PUBLIC_KEY, "EC",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448");

    private PemPrivateKeys() {}

    /**
     * The first private key in {@code pem} (an "EC PARAMETERS" block before it, as
     * {@code openssl ecparam -genkey} writes, is skipped).
     *
     * @throws IllegalArgumentException no unencrypted private key of a supported kind (the message names what was found, never key material)
     */
    public static PrivateKey read(String pem) {
        List<Pem.Block> blocks = Pem.read(pem);
        for (Pem.Block block : blocks) {
            switch (block.type()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(block.der());
                }
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> {
                    if (block.headers()) {
                        throw new IllegalArgumentException("the " + block.type() + " is encrypted");
                    }
                    byte[] privateKeyInfo;
                    try {
                        privateKeyInfo = block.type().startsWith("RSA") ? wrapPkcs1(block.der()) : wrapSec1(block.der());
                    } catch (IllegalArgumentException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        throw new IllegalArgumentException("the " + block.type() + " is not valid DER");
                    }
                    return pkcs8(privateKeyInfo);
                }
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException("the PRIVATE KEY is encrypted");
                default -> {
                    // certificates, EC PARAMETERS: not the key
                }
            }
        }
        throw new IllegalArgumentException("no PEM private key");
    }

    /** PKCS#1 RSAPrivateKey -> PrivateKeyInfo {0, {rsaEncryption, NULL}, OCTET STRING key}. */
    static byte[] wrapPkcs1(byte[] rsaPrivateKey) {
        Der.decode(rsaPrivateKey).require(Der.SEQUENCE);
        return Der.sequence(Der.integer(0), Der.sequence(Der.oid(RSA_ENCRYPTION), Der.nullValue()), Der.octetString(rsaPrivateKey));
    }

    /**
     * SEC1 ECPrivateKey {1, OCTET STRING d, [0] parameters, [1] public key} -> PrivateKeyInfo
     * {0, {id-ecPublicKey, curve}, OCTET STRING key}. Only named curves: explicit parameters are
     * refused by the JDK's TLS anyway.
     */
    static byte[] wrapSec1(byte[] ecPrivateKey) {
        List<Der.Value> fields = Der.decode(ecPrivateKey).require(Der.SEQUENCE).children();
        String curve = null;
        for (Der.Value field : fields) {
            if (field.tag() == 0xa0) { // [0] EXPLICIT ECParameters
                Der.Value parameters = field.children().get(0);
                if (parameters.tag() != Der.OID) {
                    throw new IllegalArgumentException("the EC PRIVATE KEY has explicit curve parameters (only named curves are supported)");
                }
                curve = parameters.oid();
            }
        }
        if (curve == null) {
            throw new IllegalArgumentException("the EC PRIVATE KEY does not name its curve");
        }
        return Der.sequence(Der.integer(0), Der.sequence(Der.oid(EC_PUBLIC_KEY), Der.oid(curve)), Der.octetString(ecPrivateKey));
    }

    private static PrivateKey pkcs8(byte[] privateKeyInfo) {
        String algorithm;
        try {
            List<Der.Value> fields = Der.decode(privateKeyInfo).require(Der.SEQUENCE).children();
            algorithm = fields.get(1).require(Der.SEQUENCE).children().get(0).oid();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the PRIVATE KEY is not a DER PrivateKeyInfo");
        }
        String factory = KEY_FACTORIES.get(algorithm);
        if (factory == null) {
            throw new IllegalArgumentException("the PRIVATE KEY is of an unsupported algorithm (" + algorithm + ")");
        }
        try {
            return KeyFactory.getInstance(factory).generatePrivate(new PKCS8EncodedKeySpec(privateKeyInfo));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("the PRIVATE KEY is not a valid " + factory + " key"); // the cause could quote the key
        }
    }
}
