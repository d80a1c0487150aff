package io.orch.agent.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.agent.pki.RootRotations;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.Cluster;
import io.orch.scheduler.network.ClusterAddressPools;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/**
 * The Cluster object as the API shows it. The root CA's key (and a rotation's), the gossip key and
 * the unlock key never leave the store; the CA certificate is shown as Docker shows it, under {@code TLSInfo}.
 */
final class ClusterJson {
    private ClusterJson() {}

    /** {@code GET /swarm}: with the join tokens, as Docker (docker swarm join-token reads them there). */
    static ObjectNode withJoinTokens(Cluster cluster) {
        return render(cluster.toBuilder());
    }

    /** Docker's ClusterInfo ({@code GET /info} Swarm.Cluster): no join tokens either. */
    static ObjectNode info(Cluster cluster) {
        return render(cluster.toBuilder().clearJoinTokens());
    }

    private static ObjectNode render(Cluster.Builder cluster) {
        // the root nodes move to: during a rotation the new one (docker swarm ca --rotate counts the
        // nodes whose certificate issuer and trust root are this one)
        String caPem = RootRotations.desiredRootPem(cluster.build());
        boolean rotating = cluster.hasRootRotation();
        withAddressDefaults(cluster);
        cluster.setSpec(FixedSwarmSettings.shown(cluster.getSpec()));
        // the unlock key only ever leaves through GET /swarm/unlockkey
        ObjectNode json = DockerJson.toJson(cluster.clearRootCa().clearRootRotation().clearGossipKey().clearRevoked()
                .clearManagerUnlockKey().build());
        if (!caPem.isEmpty()) {
            json.set("TLSInfo", tlsInfo(caPem));
        }
        json.put("RootRotationInProgress", rotating);
        return json;
    }

    /**
     * The pool settings in effect: a cluster created before orch stored them allocates from the
     * defaults, so it shows those (as Docker always shows DefaultAddrPool, SubnetSize and
     * DataPathPort) rather than leaving the fields out.
     */
    private static void withAddressDefaults(Cluster.Builder cluster) {
        Cluster c = cluster.build();
        if (cluster.getDefaultAddressPoolCount() == 0) {
            cluster.addAllDefaultAddressPool(ClusterAddressPools.pools(c).stream().map(Object::toString).toList());
        }
        cluster.setSubnetSize(ClusterAddressPools.subnetSize(c)).setDataPathPort(ClusterAddressPools.dataPathPort(c));
    }

    /** Docker's TLSInfo: the CA certificate, and its subject and public key (DER, base64 in JSON). */
    private static ObjectNode tlsInfo(String caPem) {
        ObjectNode tls = DockerJson.MAPPER.createObjectNode().put("TrustRoot", caPem);
        try {
            X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)));
            tls.put("CertIssuerSubject", ca.getSubjectX500Principal().getEncoded());
            tls.put("CertIssuerPublicKey", ca.getPublicKey().getEncoded());
        } catch (CertificateException | ClassCastException e) {
            // the TrustRoot alone still tells the operator which CA this is
        }
        return tls;
    }
}
