package io.orch.agent.manager;

import io.orch.api.proto.Cluster;
import io.orch.api.proto.ClusterSpec;
import io.orch.api.proto.DispatcherConfig;
import io.orch.api.proto.JoinTokens;
import io.orch.api.proto.OrchestrationConfig;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.StoreException;

import java.security.SecureRandom;
import java.time.Duration;

/** Creates the Cluster object of a new cluster (once: a resumed cluster already has it). */
public final class ClusterBootstrap {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ClusterBootstrap() {}

    public static void ensureCluster(ClusterStore store, String clusterId) throws StoreException {
        store.updateAndWait(tx -> {
            if (tx.read().cluster().isPresent()) {
                return;
            }
            tx.create(Cluster.newBuilder().setId(clusterId)
                    .setSpec(ClusterSpec.newBuilder().setName("default")
                            .setOrchestration(OrchestrationConfig.newBuilder().setTaskHistoryRetentionLimit(Orchestrator.DEFAULT_HISTORY_LIMIT))
                            .setDispatcher(DispatcherConfig.newBuilder().setHeartbeatPeriod(Duration.ofSeconds(5).toNanos())))
                    .setJoinTokens(JoinTokens.newBuilder().setWorker(token()).setManager(token()))
                    .build());
        });
    }

    /**
     * A join token in Swarm's shape, SWMTKN-1-&lt;50&gt;-&lt;25&gt;. Until the cluster CA exists the
     * first part is random too; joining is not implemented yet.
     */
    static String token() {
        return "SWMTKN-1-" + random(50) + "-" + random(25);
    }

    private static String random(int n) {
        String alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
