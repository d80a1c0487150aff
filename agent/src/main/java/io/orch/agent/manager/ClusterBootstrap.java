package io.orch.agent.manager;

import io.orch.agent.pki.JoinToken;
import io.orch.agent.pki.RootCa;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.ClusterSpec;
import io.orch.api.proto.DispatcherConfig;
import io.orch.api.proto.JoinTokens;
import io.orch.api.proto.OrchestrationConfig;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.StoreException;
import io.orch.scheduler.network.ClusterAddressPools;

import com.google.protobuf.ByteString;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Creates the Cluster object of a new cluster (once: a resumed cluster already has it), with the
 * cluster's root CA, the join tokens derived from it, the gossip encryption key, and the address
 * pools overlay networks are allocated from, and the ingress network ({@link IngressNetwork}).
 */
public final class ClusterBootstrap {
    /**
     * {@code orch init --default-addr-pool / --default-addr-pool-mask-length / --data-path-port}.
     * Fixed when the cluster is created (as in Swarm): networks already allocated from a pool
     * would otherwise be outside it.
     */
    public record AddressPools(List<String> pools, int subnetSize, int dataPathPort) {
        public AddressPools {
            pools = List.copyOf(pools);
            ClusterAddressPools.validate(pools, subnetSize, dataPathPort);
        }

        /** Swarm's: 10.0.0.0/8 in /24s, VXLAN on 4789. */
        public static AddressPools defaults() {
            return new AddressPools(List.of(ClusterAddressPools.DEFAULT_POOL), ClusterAddressPools.DEFAULT_SUBNET_SIZE,
                    ClusterAddressPools.DEFAULT_DATA_PATH_PORT);
        }
    }

    /** AES-256. */
    static final int GOSSIP_KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ClusterBootstrap() {}

    /**
     * Makes sure the store holds the Cluster object, and returns it. A cluster created before it
     * had a root CA gets one now (and new join tokens and a gossip key, since its old tokens named
     * no CA). The returned object holds the CA key and the gossip key: never log or show it.
     */
    public static Cluster ensureCluster(ClusterStore store, String clusterId) throws StoreException {
        Optional<Cluster> current = store.read(tx -> tx.cluster());
        if (current.isPresent() && current.get().hasRootCa()) {
            return current.get();
        }
        // made outside the transaction: key generation has no business under the store's lock
        return ensureCluster(store, current.map(Cluster::getId).orElse(clusterId),
                RootCa.create(current.map(Cluster::getId).orElse(clusterId)));
    }

    /**
     * {@link #ensureCluster(ClusterStore, String)} with the root CA already made (the first node
     * issues its own certificate from it before the store runs). A cluster that already has a CA
     * keeps its own; {@code ca} is then unused.
     *
     * @throws IllegalArgumentException if {@code ca} is not the CA of {@code clusterId}
     */
    public static Cluster ensureCluster(ClusterStore store, String clusterId, RootCa ca) throws StoreException {
        return ensureCluster(store, clusterId, ca, AddressPools.defaults());
    }

    /**
     * {@link #ensureCluster(ClusterStore, String, RootCa)} with the address pools a new cluster
     * is created with; a cluster that exists keeps its own.
     */
    public static Cluster ensureCluster(ClusterStore store, String clusterId, RootCa ca, AddressPools pools)
            throws StoreException {
        if (!ca.clusterId().equals(clusterId)) {
            throw new IllegalArgumentException("the root CA is cluster " + ca.clusterId() + "'s, not " + clusterId + "'s");
        }
        store.updateAndWait(tx -> {
            Optional<Cluster> existing = tx.read().cluster();
            if (existing.isEmpty()) {
                Cluster cluster = withPki(newCluster(clusterId, pools), ca);
                tx.create(cluster);
                // the routing mesh's network comes with the cluster, as in Swarm
                IngressNetwork.createIn(tx, cluster);
            } else if (!existing.get().hasRootCa() && existing.get().getId().equals(clusterId)) {
                tx.update(withPki(existing.get().toBuilder(), ca));
            }
        });
        return store.read(tx -> tx.cluster()).orElseThrow(() -> new IllegalStateException("the cluster object was not stored"));
    }

    private static Cluster.Builder newCluster(String clusterId, AddressPools pools) {
        return Cluster.newBuilder().setId(clusterId)
                .addAllDefaultAddressPool(pools.pools()).setSubnetSize(pools.subnetSize()).setDataPathPort(pools.dataPathPort())
                .setSpec(ClusterSpec.newBuilder().setName("default")
                        .setOrchestration(OrchestrationConfig.newBuilder().setTaskHistoryRetentionLimit(Orchestrator.DEFAULT_HISTORY_LIMIT))
                        .setDispatcher(DispatcherConfig.newBuilder().setHeartbeatPeriod(Duration.ofSeconds(5).toNanos())));
    }

    private static Cluster withPki(Cluster.Builder cluster, RootCa ca) {
        return cluster.setRootCa(ca.toProto())
                .setJoinTokens(JoinTokens.newBuilder()
                        .setWorker(JoinToken.generate(ca).value())
                        .setManager(JoinToken.generate(ca).value()))
                .setGossipKey(ByteString.copyFrom(newGossipKey()))
                .build();
    }

    static byte[] newGossipKey() {
        byte[] key = new byte[GOSSIP_KEY_BYTES];
        RANDOM.nextBytes(key);
        return key;
    }
}
