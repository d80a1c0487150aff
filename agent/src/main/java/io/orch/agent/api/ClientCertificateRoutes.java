package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.agent.pki.ClientCertificates;
import io.orch.agent.pki.NodeCertExpiry;
import io.orch.agent.pki.ClusterCa;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;

/**
 * {@code POST /orch/certificates/client} (orch's own, outside Docker's API; managers only: a
 * worker answers that it is not a manager): signs an API client certificate with the cluster's
 * root CA for a CSR the client made ({@code orch cert issue}), so its private key never leaves
 * the client. Body {@code {"Name": "alice", "CSR": "-----BEGIN CERTIFICATE REQUEST-----...",
 * "Expiry": nanoseconds}} (Expiry optional: the cluster's node certificate expiry); answer
 * {@code {"Certificate": PEM, "CA": PEM, "NotAfter": RFC 3339}}. Whoever reaches the API drives
 * the cluster already; this gives that same access to another client, under a name.
 */
final class ClientCertificateRoutes {
    static final String PATH = "/orch/certificates/client";
    /** A name, a CSR of at most 16 KiB and a number: a body larger than this is not such a request. */
    static final int MAX_BODY_BYTES = 32 * 1024;
    private static final Set<String> FIELDS = Set.of("Name", "CSR", "Expiry");
    private static final Logger LOG = LoggerFactory.getLogger(ClientCertificateRoutes.class);

    private final ApiContext context;

    ClientCertificateRoutes(ApiContext context) {
        this.context = context;
    }

    void register(Router router) {
        router.post(PATH, this::issue);
    }

    ApiResponse issue(ApiRequest request) throws ApiException {
        if (request.body().length > MAX_BODY_BYTES) {
            throw new ApiException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "request body is larger than " + MAX_BODY_BYTES + " bytes: a client certificate request is a name and a CSR");
        }
        JsonNode body = request.jsonBody();
        if (!body.isObject()) {
            throw ApiException.badRequest("request body: expected a JSON object with Name and CSR");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw ApiException.badRequest("unknown field " + (field.length() > 64 ? field.substring(0, 64) + "..." : field)
                        + " (expected Name, CSR and Expiry)");
            }
        }
        String name = text(body, "Name");
        String csr = text(body, "CSR");
        Cluster cluster = context.store().read(tx -> tx.cluster())
                .orElseThrow(() -> ApiException.unavailable("the cluster store has no cluster object yet; is this node initialised?"));
        Duration validity = expiry(body, cluster);
        String certificate;
        try {
            // during a root rotation, by the new root, so the certificate outlives the rotation
            certificate = ClientCertificates.issue(ClusterCa.of(cluster).signingRoot(), name, csr, validity);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        X509Certificate issued = parse(certificate);
        LOG.info("issued an API client certificate to \"{}\" (serial {}), valid until {}", name,
                issued.getSerialNumber().toString(16), issued.getNotAfter().toInstant());
        ObjectNode out = DockerJson.MAPPER.createObjectNode();
        out.put("Certificate", certificate);
        out.put("CA", ClusterCa.of(cluster).trustedRootsPem()); // both roots during a rotation
        out.put("NotAfter", issued.getNotAfter().toInstant().toString());
        return ApiResponse.json(HttpResponseStatus.CREATED, out);
    }

    private static String text(JsonNode body, String field) throws ApiException {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null; // the issuer says it is required, in its words
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest(field + ": expected a string");
        }
        return v.asText();
    }

    /** Expiry in nanoseconds (as Docker's durations), at least NodeCertExpiry's minimum; none: the cluster's node expiry. */
    private static Duration expiry(JsonNode body, Cluster cluster) throws ApiException {
        JsonNode v = body.get("Expiry");
        if (v == null || v.isNull()) {
            return NodeCertExpiry.of(cluster.getSpec());
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiException.badRequest("Expiry: expected a whole number of nanoseconds");
        }
        Duration d = Duration.ofNanos(v.asLong());
        if (d.compareTo(NodeCertExpiry.MINIMUM) < 0) {
            throw ApiException.badRequest("Expiry: at least " + NodeCertExpiry.MINIMUM.toMinutes() + " minute");
        }
        return d;
    }

    private static X509Certificate parse(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            throw new IllegalStateException("the certificate just issued does not parse", e);
        }
    }
}
