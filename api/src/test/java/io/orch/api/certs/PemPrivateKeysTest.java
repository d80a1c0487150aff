package io.orch.api.certs;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker's key.pem as openssl writes it, in each form the CLI (and the agent) reads without Bouncy Castle: the key
 * read is the key written (it signs what openssl's public key verifies); what is no usable key is
 * one line that never quotes the file.
 */
class PemPrivateKeysTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void openssl() {
        Openssl.assumeInstalled();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "PKCS#8 EC P-256                 | PRIVATE KEY     | genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem",
            "PKCS#8 RSA                      | PRIVATE KEY     | genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem",
            "PKCS#1 RSA                      | RSA PRIVATE KEY | genrsa -traditional -out key.pem 2048",
            "SEC1 EC P-256 after EC PARAMETERS | EC PRIVATE KEY | ecparam -name prime256v1 -genkey -out key.pem",
            "SEC1 EC P-384                   | EC PRIVATE KEY  | ecparam -name secp384r1 -genkey -noout -out key.pem"})
    void theKeyReadIsTheKeyOpensslWrote(String form, String pemType, String command) throws Exception {
        Openssl.run(dir, command.split(" "));
        String pem = Files.readString(dir.resolve("key.pem"), StandardCharsets.US_ASCII);
        assertTrue(pem.contains("-----BEGIN " + pemType + "-----"), form + " is what openssl wrote: " + pemType);

        PrivateKey key = PemPrivateKeys.read(pem);

        PublicKey openssls = publicKey(Openssl.run(dir, "pkey", "-in", "key.pem", "-pubout"), key.getAlgorithm());
        String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        byte[] data = "orch".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(data);
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(openssls);
        verifier.update(data);
        assertTrue(verifier.verify(signer.sign()), form + ": the key read signs what openssl's public key verifies");
    }

    private static PublicKey publicKey(String pem, String algorithm) throws Exception {
        Pem.Block block = Pem.read(pem).get(0);
        assertEquals("PUBLIC KEY", block.type());
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(block.der()));
    }

    @Test
    void anEncryptedKeyIsRefusedAsEncrypted() throws Exception {
        Openssl.run(dir, "genrsa", "-traditional", "-aes128", "-passout", "pass:pw", "-out", "pkcs1.pem", "2048");
        Openssl.run(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-128-cbc", "-pass", "pass:pw",
                "-out", "pkcs8.pem");
        for (String file : new String[] {"pkcs1.pem", "pkcs8.pem"}) {
            String pem = Files.readString(dir.resolve(file));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PemPrivateKeys.read(pem));
            assertTrue(e.getMessage().endsWith("is encrypted"), file + ": " + e.getMessage());
        }
    }

    @Test
    void anEcKeyWithExplicitCurveParametersIsRefused() throws Exception {
        Openssl.run(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-param_enc", "explicit", "-out", "key.pem");
        String pem = Files.readString(dir.resolve("key.pem"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PemPrivateKeys.read(pem));
        assertTrue(e.getMessage().contains("explicit curve parameters"), e.getMessage());
    }

    @Test
    void whatIsNoKeyIsOneLineThatNeverQuotesTheFile() throws Exception {
        Openssl.run(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=x",
                "-keyout", "key.pem", "-out", "cert.pem");
        String certificateOnly = Files.readString(dir.resolve("cert.pem"));
        assertEquals("no PEM private key",
                assertThrows(IllegalArgumentException.class, () -> PemPrivateKeys.read(certificateOnly)).getMessage());
        for (String type : new String[] {"PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"}) {
            String garbage = "-----BEGIN " + type + "-----\nc2VjcmV0c2VjcmV0\n-----END " + type + "-----\n";
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PemPrivateKeys.read(garbage));
            assertFalse(e.getMessage().contains("c2VjcmV0") || e.getMessage().contains("secret"), e.getMessage());
        }
        // the key after the certificate, as some tools bundle them, is found
        String bundle = certificateOnly + Files.readString(dir.resolve("key.pem"));
        assertEquals("EC", PemPrivateKeys.read(bundle).getAlgorithm());
    }
}
