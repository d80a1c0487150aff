package io.orch.agent.renewal;

import io.orch.agent.pki.CertificateLifetime;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a node renews its certificate: at a random point while 40 to 60% of its lifetime remains
 * (swarmkit draws between 50 and 80% elapsed), so that nodes which joined together do not all
 * renew at once, and with much of the lifetime left for retries when no manager answers.
 *
 * <p>The lifetime counted is the shorter of the certificate's own and the cluster's current
 * NodeCertExpiry: a certificate issued before the operator shortened the expiry is renewed within
 * the new lifetime (at once if that point has passed), not at the old one's pace. A longer expiry
 * applies from the next certificate on.
 */
public final class RenewalSchedule {
    /** Share of the lifetime elapsed at the earliest and the latest renewal point. */
    static final double EARLIEST = 0.4;
    static final double LATEST = 0.6;

    private RenewalSchedule() {
    }

    /**
     * @param clusterExpiry the cluster's NodeCertExpiry, when this node knows it
     * @param draw          uniform in [0, 1): where in the window this certificate renews (drawn once per certificate)
     */
    public static Instant renewAt(CertificateLifetime certificate, Optional<Duration> clusterExpiry, double draw) {
        Duration lifetime = certificate.length();
        if (clusterExpiry.isPresent() && clusterExpiry.get().compareTo(lifetime) < 0) {
            lifetime = clusterExpiry.get();
        }
        double share = EARLIEST + (LATEST - EARLIEST) * draw;
        return certificate.issuedAt().plusNanos((long) (lifetime.toNanos() * share));
    }
}
