package io.orch.cli.certs;

import io.orch.api.certs.Openssl;

import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What `orch cert issue` writes and makes: docker's three files, the key private; a CSR signed by the key. */
class ClientCertificateFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesDockersThreeFilesTheKey0600InADirectory0700() throws Exception {
        Path out = dir.resolve("certs/alice");
        ClientCertificateFiles files = new ClientCertificateFiles(out);
        files.checkFree();
        files.write("CA", "CERT", "KEY");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("key.pem"))));
        assertEquals("CA", Files.readString(out.resolve("ca.pem")));
        assertEquals("CERT", Files.readString(out.resolve("cert.pem")));
        assertEquals("KEY", Files.readString(out.resolve("key.pem")));
    }

    @Test
    void neverReplacesAnExistingFile() throws Exception {
        Files.writeString(dir.resolve("key.pem"), "old key");
        ClientCertificateFiles files = new ClientCertificateFiles(dir);
        IOException e = assertThrows(IOException.class, files::checkFree);
        assertTrue(e.getMessage().startsWith("key.pem exists already"), e.getMessage());
        assertThrows(IOException.class, () -> files.write("CA", "CERT", "KEY"));
        assertEquals("old key", Files.readString(dir.resolve("key.pem")));
        Path file = Files.writeString(dir.resolve("plain"), "x");
        assertThrows(IOException.class, new ClientCertificateFiles(file)::checkFree);
    }

    @Test
    void theCsrIsSignedByTheKeyWrittenAndTheKeyIsPkcs8() throws Exception {
        ClientKey key = ClientKey.generate();
        PKCS10CertificationRequest csr;
        try (PEMParser p = new PEMParser(new StringReader(key.csrPem("alice")))) {
            csr = (PKCS10CertificationRequest) p.readObject();
        }
        assertTrue(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(new JcaPKCS10CertificationRequest(csr).getPublicKey())));
        String pem = key.privateKeyPem();
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8, as docker reads key.pem");
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            assertTrue(p.readObject() instanceof PrivateKeyInfo);
        }
        assertFalse(key.toString().contains("PRIVATE"));
    }

    @Test
    void opensslVerifiesTheCsrAndReadsItsSubjectAndTheKeyFitsIt() throws Exception {
        Openssl.assumeInstalled();
        ClientKey key = ClientKey.generate();
        Files.writeString(dir.resolve("csr.pem"), key.csrPem("alice"));
        Files.writeString(dir.resolve("key.pem"), key.privateKeyPem());
        String checked = Openssl.run(dir, "req", "-in", "csr.pem", "-verify", "-noout", "-subject");
        assertTrue(checked.contains("verify OK") && checked.contains("CN = alice"), checked);
        String csrKey = Openssl.run(dir, "req", "-in", "csr.pem", "-noout", "-pubkey");
        String keysKey = Openssl.run(dir, "pkey", "-in", "key.pem", "-pubout");
        assertEquals(keysKey, csrKey, "the CSR is for the key written to key.pem");
    }
}
