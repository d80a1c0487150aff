package io.orch.agent.pki;

import io.orch.api.proto.ClusterSpec;

import java.time.Duration;

/**
 * How long the node certificates a manager issues are valid: the cluster's
 * {@code CAConfig.NodeCertExpiry} ({@code orch cluster update --cert-expiry}, {@code docker swarm
 * update --cert-expiry}), 90 days when it was never set.
 */
public final class NodeCertExpiry {
    public static final Duration DEFAULT = RootCa.DEFAULT_NODE_VALIDITY;
    /**
     * Docker's minimum is one hour. orch allows a minute, so that an end-to-end test can watch
     * nodes renew several times (packaging CertificateRenewalIT); every node then renews about
     * twice a minute, which costs a signature and one RPC each.
     */
    public static final Duration MINIMUM = Duration.ofMinutes(1);

    private NodeCertExpiry() {
    }

    /** The expiry {@code spec} sets, or the default when it sets none. */
    public static Duration of(ClusterSpec spec) {
        long nanos = spec.getCaConfig().getNodeCertExpiry();
        return nanos > 0 ? Duration.ofNanos(nanos) : DEFAULT;
    }
}
