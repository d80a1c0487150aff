package io.orch.agent.pki;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The agent's JDK-only PEM, subject and IP-literal readers give what the Bouncy Castle code they
 * replaced gave (Bouncy Castle is here the reference): the same PEM text for keys and certificates,
 * so files on disk and in the store stay byte for byte as they were; the same CN/OU/O.
 */
class JdkPemMatchesBouncyCastleTest {
    private static final RootCa CA = RootCa.create("cluster1");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"EC", "RSA"})
    void aPrivateKeyIsWrittenAsBouncyCastleWroteItAndReadBack(String algorithm) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        generator.initialize(algorithm.equals("EC") ? 256 : 2048);
        PrivateKey key = generator.generateKeyPair().getPrivate();

        String pem = Pem.privateKey(key);

        assertEquals(bouncyCastlePem(new JcaPKCS8Generator(key, null).generate()), pem);
        assertArrayEquals(key.getEncoded(), Pem.parsePrivateKey(pem, "key").getEncoded());
    }

    @Test
    void aCertificateIsWrittenAsBouncyCastleWroteItAndReadBackWhateverSurroundsIt() throws Exception {
        X509Certificate certificate = CA.certificate();
        String pem = Pem.certificate(certificate);

        assertEquals(bouncyCastlePem(certificate), pem);
        assertEquals(certificate, Pem.parseCertificate(pem, "cert"));
        assertEquals(certificate, Pem.parseCertificate("a comment\r\n" + pem.replace("\n", "\r\n"), "cert"));
        assertEquals(certificate, Pem.parseCertificate(pem.replace("CERTIFICATE", "X509 CERTIFICATE"), "cert"));
        assertEquals(List.of(certificate, certificate), Pem.parseCertificates(pem + "\n" + pem, "bundle"));
    }

    @Test
    void whatIsNoCertificateOrKeyIsRefusedNamingTheFileNeverTheKey() {
        String key = Pem.privateKey(Keys.newEcKeyPair().getPrivate());
        assertEquals("ca is not a PEM certificate", assertThrows(IllegalArgumentException.class, () -> Pem.parseCertificate(key, "ca")).getMessage());
        assertEquals("ca holds a PEM block that is not a certificate",
                assertThrows(IllegalArgumentException.class, () -> Pem.parseCertificates(CA.certPem() + key, "ca")).getMessage());
        assertEquals("ca holds no PEM certificate", assertThrows(IllegalArgumentException.class, () -> Pem.parseCertificates("text", "ca")).getMessage());
        assertEquals("ca is empty", assertThrows(IllegalArgumentException.class, () -> Pem.parseCertificate(" ", "ca")).getMessage());
        String broken = key.replace(key.substring(40, 60), "AAAA");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pem.parsePrivateKey(broken, "node key"));
        assertEquals("node key is not a usable PEM private key: the PRIVATE KEY is not a DER PrivateKeyInfo", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Pem.parsePrivateKey(CA.certPem(), "node key"));
        assertEquals("node key is not a usable PEM private key: no PEM private key", e.getMessage());
    }

    @Test
    void subjectsReadTheAttributesBouncyCastleRead() throws Exception {
        for (String subject : List.of("O=cluster1,OU=swarm-worker,CN=node1", "CN=orch-root-ca,OU=cluster1",
                "CN=a,CN=b,O=x", "CN=a+OU=b,O=x", "O=\u00e9t\u00e9,CN=\u00fc")) {
            X509Certificate certificate = selfSigned(new X500Name(BCStyle.INSTANCE, subject));
            assertEquals(bouncyCastle(certificate, BCStyle.CN), Subjects.cn(certificate), subject);
            assertEquals(bouncyCastle(certificate, BCStyle.OU), Subjects.ou(certificate), subject);
            assertEquals(bouncyCastle(certificate, BCStyle.O), Subjects.o(certificate), subject);
        }
        // the JDK writes PrintableString where Bouncy Castle wrote UTF8String: both read the same
        X509Certificate jdkNamed = selfSigned(X500Name.getInstance(
                new javax.security.auth.x500.X500Principal("CN=node1, OU=swarm-manager, O=c1").getEncoded()));
        assertEquals(List.of("node1", "swarm-manager", "c1"),
                List.of(Subjects.cn(jdkNamed), Subjects.ou(jdkNamed), Subjects.o(jdkNamed)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.0.0.255", "010.1.2.3", "256.1.1.1", "1.2.3", "1.2.3.4.5", "::1", "::", "fe80::1",
            "2001:db8::8a2e:370:7334", "::ffff:10.1.2.3", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:::2", "fe80::1%eth0",
            "[::1]", "node1", "abc", "dead:beef", "a.b.c.d", ""})
    void anIpLiteralIsWhatBouncyCastleCalledOne(String s) {
        assertEquals(IPAddress.isValid(s), ApiTls.isIpLiteral(s), s);
    }

    private static String bouncyCastle(X509Certificate certificate, ASN1ObjectIdentifier type) {
        RDN[] rdns = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()).getRDNs(type);
        if (rdns.length != 1 || rdns[0].isMultiValued()) {
            return "";
        }
        return rdns[0].getFirst().getValue() instanceof ASN1String s ? s.getString() : "";
    }

    private static X509Certificate selfSigned(X500Name name) throws Exception {
        KeyPair pair = Keys.newEcKeyPair();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                new Date(), new Date(System.currentTimeMillis() + 60_000), name, pair.getPublic());
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }

    private static String bouncyCastlePem(Object object) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }
}
