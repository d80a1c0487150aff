package io.orch.agent.pki;

import io.orch.api.proto.Cluster;
import io.orch.api.proto.JoinTokens;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.PkiRootCa;
import io.orch.api.proto.RootRotation;

import java.time.Clock;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The two steps of a root CA rotation on the Cluster object, as swarmkit takes them.
 * {@link #start}: a new root, the new root cross-signed by the old, and new join tokens that name
 * the new root's digest (fresh secrets too, so the old tokens stop admitting nodes at once and
 * joining nodes pin the new root). {@link #finish}: once every node that is not down reports a
 * certificate signed by the new root's key, the new root replaces the old and the rotation state
 * goes; nodes then drop the old root from their trust.
 */
public final class RootRotations {
    private RootRotations() {}

    /**
     * The cluster with a rotation under way, for the spec's CAConfig.ForceRotate {@code forceRotate}.
     *
     * @throws IllegalStateException if a rotation is already under way
     */
    public static Cluster start(Cluster current, long forceRotate, Clock clock) {
        if (current.hasRootRotation()) {
            throw new IllegalStateException("a root CA rotation is already in progress; wait until it finishes "
                    + "(orch ca --rotate shows its progress)");
        }
        RootCa old = RootCa.fromProto(current.getRootCa());
        RootCa next = RootCa.create(old.clusterId(), clock);
        RootRotation rotation = RootRotation.newBuilder()
                .setCaCertPem(next.certPem())
                .setCaKeyPem(next.keyPem())
                .setCrossSignedCaCertPem(Pem.certificate(old.crossSign(next)))
                .build();
        return current.toBuilder()
                .setRootRotation(rotation)
                .setRootCa(current.getRootCa().toBuilder().setLastForcedRotation(forceRotate))
                .setJoinTokens(JoinTokens.newBuilder()
                        .setWorker(JoinToken.generate(next).value())
                        .setManager(JoinToken.generate(next).value()))
                .build();
    }

    /** Whether {@code forceRotate} asks for a rotation (it differs from the one the last rotation was made for). */
    public static boolean requested(Cluster current, long forceRotate) {
        return forceRotate != current.getRootCa().getLastForcedRotation();
    }

    /** The nodes that still have to show a certificate of the new root's key: every node not down that does not. */
    public static List<Node> waitingFor(Cluster cluster, Collection<Node> nodes) {
        if (!cluster.hasRootRotation()) {
            return List.of();
        }
        byte[] newKey = ClusterCa.of(cluster).signingRoot().certificate().getPublicKey().getEncoded();
        return nodes.stream()
                .filter(n -> n.getStatus().getState() != NodeStatus.State.DOWN)
                .filter(n -> !Arrays.equals(n.getDescription().getTlsInfo().getCertIssuerPublicKey().toByteArray(), newKey))
                .toList();
    }

    /** The cluster with the rotation finished, if every node not down holds a certificate of the new root. */
    public static Optional<Cluster> finish(Cluster cluster, Collection<Node> nodes) {
        if (!cluster.hasRootRotation() || !waitingFor(cluster, nodes).isEmpty()) {
            return Optional.empty();
        }
        RootRotation rotation = cluster.getRootRotation();
        return Optional.of(cluster.toBuilder()
                .setRootCa(PkiRootCa.newBuilder().setCaCertPem(rotation.getCaCertPem()).setCaKeyPem(rotation.getCaKeyPem())
                        .setLastForcedRotation(cluster.getRootCa().getLastForcedRotation()))
                .clearRootRotation()
                .build());
    }

    /** The root CA certificate Docker's TLSInfo shows: the one nodes move to (the new root during a rotation), PEM. */
    public static String desiredRootPem(Cluster cluster) {
        return cluster.hasRootRotation() ? cluster.getRootRotation().getCaCertPem() : cluster.getRootCa().getCaCertPem();
    }
}
