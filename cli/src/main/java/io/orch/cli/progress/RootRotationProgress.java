package io.orch.cli.progress;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How far a root CA rotation has come, from {@code GET /swarm} and {@code GET /nodes}, counted as
 * {@code docker swarm ca --rotate} counts it: the nodes whose certificate's issuer (subject and
 * public key) is the cluster's desired root (TLSInfo), and the nodes whose trust root is exactly
 * it. Done when every node has both and no rotation is in progress.
 */
public record RootRotationProgress(int certsRotated, int rootsRotated, int total, boolean inProgress) {

    public static RootRotationProgress of(JsonNode swarm, JsonNode nodes) {
        JsonNode desired = swarm.path("TLSInfo");
        String trustRoot = desired.path("TrustRoot").asText("");
        String issuerSubject = desired.path("CertIssuerSubject").asText("");
        String issuerKey = desired.path("CertIssuerPublicKey").asText("");
        int certs = 0;
        int roots = 0;
        int total = 0;
        for (JsonNode node : nodes) {
            total++;
            JsonNode tls = node.path("Description").path("TLSInfo");
            if (!issuerKey.isEmpty() && issuerKey.equals(tls.path("CertIssuerPublicKey").asText(""))
                    && issuerSubject.equals(tls.path("CertIssuerSubject").asText(""))) {
                certs++;
            }
            if (!trustRoot.isEmpty() && trustRoot.equals(tls.path("TrustRoot").asText(""))) {
                roots++;
            }
        }
        return new RootRotationProgress(certs, roots, total, swarm.path("RootRotationInProgress").asBoolean(false));
    }

    /** Until the certificates are done and the rotation has ended, no node counts as having dropped the old root. */
    public int rootsShown() {
        return certsRotated == total && !inProgress ? rootsRotated : 0;
    }

    public boolean done() {
        return certsRotated == total && rootsRotated == total && !inProgress;
    }

    /** One line: {@code rotated TLS certificates: 3/5 nodes, rotated CA certificates: 0/5 nodes}. */
    public String line() {
        return "rotated TLS certificates: " + certsRotated + "/" + total + " nodes, rotated CA certificates: "
                + rootsShown() + "/" + total + " nodes";
    }
}
