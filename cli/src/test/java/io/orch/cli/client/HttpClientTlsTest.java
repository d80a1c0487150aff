package io.orch.cli.client;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import io.orch.api.certs.Openssl;
import io.orch.api.certs.Pem;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.security.cert.Certificate;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI's TLS (docker's --tlsverify) against an HTTPS server that requires client certificates:
 * with the right files it talks; a server whose certificate does not name the address dialled, or
 * of another CA, is refused; the flags' defaults and refusals are docker's.
 */
class HttpClientTlsTest {
    @TempDir
    Path dir;
    private HttpsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** An HTTPS server on loopback presenting {@code served}, requiring a client certificate of {@code clientsCa}. */
    private HostAddress serve(TestPki serverCa, TestPki.Issued served, TestPki clientsCa) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", served.key(), new char[0], new Certificate[] {served.certificate(), serverCa.ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", clientsCa.ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = context.getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        server.createContext("/", ex -> {
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        });
        server.start();
        return HostAddress.parse("tcp://127.0.0.1:" + server.getAddress().getPort());
    }

    private static DockerApi api(HostAddress address, ClientTls tls) {
        return new DockerApi(new HttpClient(address, tls, Duration.ofSeconds(2), Duration.ofSeconds(5)));
    }

    @Test
    void withTheClusterFilesTheClientTalksToTheAgent() throws Exception {
        TestPki pki = new TestPki("cluster-ca");
        HostAddress at = serve(pki, pki.issue("node1", "127.0.0.1"), pki);
        Path certs = pki.write(dir.resolve("certs"), pki.issue("alice", null));
        ClientTls tls = new TlsFlags(true, null, null, null).resolve(at, certs.toString(), "/nonexistent");
        assertTrue(api(at, tls).get("/info").path("ok").asBoolean());
    }

    /** docker's key.pem as openssl writes it, in each form the CLI reads (PKCS#8, PKCS#1 RSA, SEC1 EC). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "PKCS#8 EC  | genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem",
            "PKCS#1 RSA | genrsa -traditional -out key.pem 2048",
            "SEC1 EC    | ecparam -name prime256v1 -genkey -out key.pem"})
    void aKeyFileOpensslWroteIsAWorkingClientIdentity(String form, String command) throws Exception {
        Openssl.assumeInstalled();
        TestPki pki = new TestPki("cluster-ca");
        HostAddress at = serve(pki, pki.issue("node1", "127.0.0.1"), pki);
        Path certs = Files.createDirectories(dir.resolve("certs"));
        Openssl.run(certs, command.split(" "));
        Pem.Block spki = Pem.read(Openssl.run(certs, "pkey", "-in", "key.pem", "-pubout")).get(0);
        String algorithm = form.contains("RSA") ? "RSA" : "EC";
        PublicKey publicKey = KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(spki.der()));
        Files.writeString(certs.resolve("ca.pem"), TestPki.pem("CERTIFICATE", pki.ca.getEncoded()));
        Files.writeString(certs.resolve("cert.pem"), TestPki.pem("CERTIFICATE", pki.certificate("alice", null, publicKey).getEncoded()));
        ClientTls tls = ClientTls.of(certs.resolve("ca.pem"), certs.resolve("cert.pem"), certs.resolve("key.pem"));
        assertTrue(api(at, tls).get("/info").path("ok").asBoolean(), form);
    }

    @Test
    void aServerCertificateThatDoesNotNameTheAddressDialledIsRefused() throws Exception {
        TestPki pki = new TestPki("cluster-ca");
        HostAddress at = serve(pki, pki.issue("node1", "10.9.9.9"), pki);
        Path certs = pki.write(dir.resolve("certs"), pki.issue("alice", null));
        ClientTls tls = ClientTls.of(certs.resolve("ca.pem"), certs.resolve("cert.pem"), certs.resolve("key.pem"));
        CliException e = assertThrows(CliException.class, () -> api(at, tls).get("/info"));
        assertTrue(e.getMessage().contains("TLS handshake failed"), e.getMessage());
    }

    @Test
    void aServerOfAnotherCaIsRefused() throws Exception {
        TestPki pki = new TestPki("cluster-ca");
        TestPki other = new TestPki("other-ca");
        HostAddress at = serve(other, other.issue("node1", "127.0.0.1"), pki);
        Path certs = pki.write(dir.resolve("certs"), pki.issue("alice", null));
        ClientTls tls = ClientTls.of(certs.resolve("ca.pem"), certs.resolve("cert.pem"), certs.resolve("key.pem"));
        CliException e = assertThrows(CliException.class, () -> api(at, tls).get("/info"));
        assertTrue(e.getMessage().contains("TLS handshake failed"), e.getMessage());
    }

    @Test
    void flagsFollowDockerAndWhatWouldBeIgnoredIsRefused() throws Exception {
        HostAddress tcp = HostAddress.parse("tcp://127.0.0.1:2376");
        assertNull(new TlsFlags(false, null, null, null).resolve(tcp, null, null), "no TLS unless asked for");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TlsFlags(false, null, Path.of("c.pem"), null).resolve(tcp, null, null));
        assertEquals("--tlscert needs --tlsverify (or DOCKER_TLS_VERIFY=1)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new TlsFlags(true, null, null, null).resolve(HostAddress.parse("unix:///run/orch/orch.sock"), null, null));
        assertTrue(e.getMessage().startsWith("--tlsverify applies to tcp:// hosts"), e.getMessage());
        // the defaults: ~/.docker/{ca,cert,key}.pem when DOCKER_CERT_PATH is unset
        e = assertThrows(IllegalArgumentException.class, () -> new TlsFlags(true, null, null, null).resolve(tcp, null, dir.toString()));
        assertEquals("--tlscacert " + dir.resolve(".docker/ca.pem") + ": no such file", e.getMessage());
        Path bad = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n");
        TestPki pki = new TestPki("ca");
        Path certs = pki.write(dir.resolve("certs"), pki.issue("alice", null));
        e = assertThrows(IllegalArgumentException.class, () -> ClientTls.of(certs.resolve("ca.pem"), certs.resolve("cert.pem"), bad));
        assertTrue(e.getMessage().startsWith("--tlskey " + bad) && !e.getMessage().contains("c2VjcmV0"), e.getMessage());
    }
}
