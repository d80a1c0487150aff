package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.orch.agent.pki.RootCa;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.ClusterSpec;
import io.orch.api.proto.CAConfig;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /orch/certificates/client}: a manager signs a client's CSR with the cluster's root CA;
 * every bad input is one 400 (or 413) line and issues nothing; a worker answers it is no manager.
 */
class ClientCertificateRoutesTest {
    private final ApiFixture fixture = new ApiFixture();
    private RootCa ca;

    @BeforeEach
    void giveTheClusterItsCa() {
        ca = RootCa.create("c1usterid0000000000000000");
        fixture.write(tx -> tx.update(tx.read().cluster().orElseThrow().toBuilder().setRootCa(ca.toProto())
                .setSpec(ClusterSpec.newBuilder().setName("default")
                        .setCaConfig(CAConfig.newBuilder().setNodeCertExpiry(Duration.ofHours(720).toNanos())))
                .build()));
    }

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    static String csrPem(String cn) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = g.generateKeyPair();
        byte[] der = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + cn), pair.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())).getEncoded();
        StringWriter out = new StringWriter();
        try (PemWriter w = new PemWriter(out)) {
            w.writeObject(new PemObject("CERTIFICATE REQUEST", der));
        }
        return out.toString();
    }

    private static String body(Object... fields) {
        ObjectNode o = DockerJson.MAPPER.createObjectNode();
        for (int i = 0; i < fields.length; i += 2) {
            o.putPOJO((String) fields[i], fields[i + 1]);
        }
        return o.toString();
    }

    private static X509Certificate parse(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aManagerSignsTheCsrAsAClientCertificateForTheClustersNodeExpiry() throws Exception {
        ApiFixture.Reply r = fixture.post("/v1.47" + ClientCertificateRoutes.PATH, body("Name", "alice", "CSR", csrPem("ignored")));
        assertEquals(201, r.status(), r.body());
        JsonNode answer = r.json();
        X509Certificate c = parse(answer.path("Certificate").asText());
        assertEquals("CN=alice,OU=orch-client,O=c1usterid0000000000000000", c.getSubjectX500Principal().getName(),
                "the CA sets the subject, not the CSR");
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), c.getExtendedKeyUsage());
        c.verify(ca.certificate().getPublicKey());
        assertEquals(ca.certPem(), answer.path("CA").asText());
        Duration lifetime = Duration.between(Instant.now(), c.getNotAfter().toInstant());
        assertTrue(lifetime.compareTo(Duration.ofHours(719)) > 0 && lifetime.compareTo(Duration.ofHours(721)) < 0, lifetime.toString());
        assertEquals(c.getNotAfter().toInstant().toString(), answer.path("NotAfter").asText());
        assertFalse(r.body().contains("PRIVATE KEY"), "no key travels");
    }

    @Test
    void anExpiryGivenIsTheCertificatesLifetime() throws Exception {
        ApiFixture.Reply r = fixture.post(ClientCertificateRoutes.PATH,
                body("Name", "ci", "CSR", csrPem("x"), "Expiry", Duration.ofHours(2).toNanos()));
        assertEquals(201, r.status(), r.body());
        Duration lifetime = Duration.between(Instant.now(), parse(r.json().path("Certificate").asText()).getNotAfter().toInstant());
        assertTrue(lifetime.compareTo(Duration.ofMinutes(119)) > 0 && lifetime.compareTo(Duration.ofMinutes(121)) < 0, lifetime.toString());
    }

    @Test
    void badInputIsOneLineNamingTheField() throws Exception {
        String csr = csrPem("x");
        Map<String, String> cases = Map.of(
                body("Name", "../etc", "CSR", csr), "client name",
                body("Name", "", "CSR", csr), "client name is required",
                body("CSR", csr), "client name is required",
                body("Name", "alice"), "CSR is required",
                body("Name", "alice", "CSR", "not a csr"), "CSR: expected one PEM block",
                body("Name", "alice", "CSR", "-----BEGIN CERTIFICATE REQUEST-----\nAAAAAAAA\n-----END CERTIFICATE REQUEST-----"),
                "invalid certificate signing request",
                body("Name", "alice", "CSR", csr, "Expiry", 5), "Expiry: at least 1 minute",
                body("Name", "alice", "CSR", csr, "Expiry", "forever"), "Expiry: expected a whole number",
                body("Name", "alice", "CSR", csr, "Role", "manager"), "unknown field Role",
                body("Name", 7, "CSR", csr), "Name: expected a string");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            ApiFixture.Reply r = fixture.post(ClientCertificateRoutes.PATH, c.getKey());
            assertEquals(400, r.status(), c.getKey() + " -> " + r.body());
            String message = r.json().path("message").asText();
            assertTrue(message.startsWith(c.getValue()), c.getKey() + " -> " + message);
            assertFalse(message.contains("\n"), message);
        }
    }

    @Test
    void aCsrOverTheBoundIsRefusedBeforeItIsParsed() {
        String huge = "-----BEGIN CERTIFICATE REQUEST-----\n" + "A".repeat(20_000) + "\n-----END CERTIFICATE REQUEST-----\n";
        ApiFixture.Reply r = fixture.post(ClientCertificateRoutes.PATH, body("Name", "alice", "CSR", huge));
        assertEquals(400, r.status(), r.body());
        assertTrue(r.json().path("message").asText().startsWith("CSR: larger than 16384"), r.body());
        ApiFixture.Reply tooLarge = fixture.post(ClientCertificateRoutes.PATH, body("Name", "alice", "CSR", "A".repeat(40_000)));
        assertEquals(413, tooLarge.status(), tooLarge.body());
    }

    @Test
    void aWorkerAnswersItIsNotAManager() {
        EmbeddedChannel worker = new EmbeddedChannel(WorkerNodeApi.handler("w0rker", "w1", "10.0.0.2",
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "0.1.0-test", Map::of));
        byte[] json = "{\"Name\":\"alice\",\"CSR\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                "/v1.47" + ClientCertificateRoutes.PATH, Unpooled.wrappedBuffer(json));
        HttpUtil.setContentLength(request, json.length);
        request.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        worker.writeInbound(request);
        FullHttpResponse response = worker.readOutbound();
        try {
            assertEquals(503, response.status().code());
            assertTrue(response.content().toString(StandardCharsets.UTF_8).contains("not a swarm manager"));
        } finally {
            response.release();
            worker.finishAndReleaseAll();
        }
    }
}
