package io.orch.agent;

import io.orch.api.concurrent.DaemonThreads;
import io.orch.agent.cluster.MemberHealth;
import io.orch.agent.cluster.NodeMembership;
import io.orch.api.proto.MemberMeta;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeDescription;
import io.orch.api.proto.NodeSpec;
import io.orch.gossip.GossipConfig;
import io.orch.raft.store.ClusterStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * This node's gossip membership, as the agent uses it: what the node publishes (id, role,
 * addresses, resources), where it finds the managers, and seeds to (re)join through when it finds
 * itself alone (after a restart, or when the seeds it had were down).
 */
final class Gossip implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gossip.class);
    static final long REJOIN_SECONDS = 3;
    /** How long a stop waits for its restart announcement to be gossiped out (it usually takes well under a second). */
    private static final Duration RESTART_ANNOUNCEMENT = Duration.ofSeconds(2);

    private final NodeMembership membership;
    private final NodeContext context;
    private final ClusterIdentity identity;
    private volatile Supplier<List<String>> seeds;
    private volatile Consumer<Map<String, String>> managersChanged = m -> { };
    private final ScheduledExecutorService rejoin;

    private Gossip(NodeMembership membership, NodeContext context, ClusterIdentity identity, Supplier<List<String>> seeds) {
        this.membership = membership;
        this.context = context;
        this.identity = identity;
        this.seeds = seeds;
        this.rejoin = Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("orch-gossip-rejoin"));
    }

    /** A manager's: the key and the seeds come from the store (every node's gossip address). */
    static Gossip forManager(NodeContext context, ClusterIdentity identity, ClusterStore store) {
        byte[] key = store.read(r -> r.cluster()).map(c -> c.getGossipKey().toByteArray())
                .orElseThrow(() -> new IllegalStateException("the store holds no cluster object: cannot start gossip"));
        return start(context, identity, NodeSpec.Role.MANAGER, key, storeSeeds(identity, store));
    }

    private static Supplier<List<String>> storeSeeds(ClusterIdentity identity, ClusterStore store) {
        return () -> {
            List<String> out = new ArrayList<>();
            for (Node n : store.read(r -> r.nodes())) {
                if (!n.getId().equals(identity.nodeId()) && !n.getGossipAddr().isEmpty()) {
                    out.add(n.getGossipAddr());
                }
            }
            return out;
        };
    }

    /** A worker's: the key and the seeds it got when it joined (kept in DATA/peers.json). */
    static Gossip forWorker(NodeContext context, ClusterIdentity identity, ClusterPeers peers,
                            Consumer<Map<String, String>> managersChanged) {
        Gossip g = start(context, identity, NodeSpec.Role.WORKER, peers.gossipKey(), peers::gossipSeeds);
        g.managersChanged = managersChanged;
        return g;
    }

    /**
     * The same membership, now announcing this node as a manager (after `node promote`): the node
     * stays ALIVE for everyone throughout, so its tasks are not rescheduled as if it had died.
     */
    Gossip asManager(ClusterStore store) {
        seeds = storeSeeds(identity, store);
        managersChanged = m -> { };
        membership.publish(meta(context, identity, NodeSpec.Role.MANAGER));
        return this;
    }

    /** Publishes whether this manager's Raft storage can take writes (peers show it Unreachable while not). */
    void reportStoreHealth(boolean unhealthy) {
        membership.publish(meta(context, identity, NodeSpec.Role.MANAGER).toBuilder().setStoreUnhealthy(unhealthy).build());
    }

    /** The same membership, now announcing this node as a worker (after `node demote`). */
    Gossip asWorker(ClusterPeers peers, Consumer<Map<String, String>> onManagersChanged) {
        seeds = peers::gossipSeeds;
        managersChanged = onManagersChanged;
        membership.publish(meta(context, identity, NodeSpec.Role.WORKER));
        return this;
    }

    private static MemberMeta meta(NodeContext context, ClusterIdentity identity, NodeSpec.Role role) {
        AgentConfig c = context.config();
        NodeDescription d = context.description();
        return MemberMeta.newBuilder()
                .setNodeId(identity.nodeId())
                .setRole(role)
                .setListenAddr(c.advertisedListenAddr().toString())
                .setRaftAddr(role == NodeSpec.Role.MANAGER ? c.advertisedRaftAddr().toString() : "")
                .setHostname(c.hostname())
                .setNanoCpus(d.getResources().getNanoCpus())
                .setMemoryBytes(d.getResources().getMemoryBytes())
                .build();
    }

    private static Gossip start(NodeContext context, ClusterIdentity identity, NodeSpec.Role role, byte[] key,
                                Supplier<List<String>> seeds) {
        AgentConfig c = context.config();
        MemberMeta meta = meta(context, identity, role);
        NodeMembership membership = NodeMembership.create(new NodeMembership.Settings(identity.nodeId(),
                c.gossipAddr().toString(), c.advertisedGossipAddr().toString(), key, GossipConfig.lan()), meta,
                context.metrics().gossip());
        Gossip g = new Gossip(membership, context, identity, seeds);
        membership.addListener(m -> {
            if (m.meta().getRole() == NodeSpec.Role.MANAGER) {
                g.managersChanged.accept(g.managerAddresses());
            }
        });
        membership.start(seeds.get()).whenComplete((n, e) -> {
            if (e != null) {
                log.info("gossip: no seed answered yet ({}); will retry", e.getMessage());
            }
        });
        g.rejoin.scheduleWithFixedDelay(g::rejoinIfAlone, REJOIN_SECONDS, REJOIN_SECONDS, TimeUnit.SECONDS);
        return g;
    }

    /** Alone while others exist: the seeds were down when we started, or we were partitioned and reaped. */
    private void rejoinIfAlone() {
        try {
            long alive = membership.members().values().stream().filter(m -> m.health() == MemberHealth.ALIVE).count();
            List<String> s = seeds.get();
            if (alive <= 1 && !s.isEmpty()) {
                membership.join(s);
            }
        } catch (RuntimeException e) {
            log.debug("gossip rejoin attempt failed: {}", e.toString());
        }
    }

    NodeMembership membership() {
        return membership;
    }

    /** Alive managers' RPC addresses, by node id. */
    Map<String, String> managerAddresses() {
        Map<String, String> out = new LinkedHashMap<>();
        for (MemberMeta m : membership.aliveManagers()) {
            out.put(m.getNodeId(), m.getListenAddr());
        }
        return out;
    }

    /**
     * Stops gossip. Unless this node already left (swarm leave), it first announces a planned
     * restart with the configured grace, so the managers keep its tasks where they are: a plain
     * stop is an upgrade or a service restart far more often than a decommission. A kill -9 says
     * nothing, and the node is found DEAD as before.
     */
    @Override
    public void close() {
        rejoin.shutdownNow();
        Duration grace = context.config().restartGrace();
        boolean anyoneToTell = membership.members().values().stream()
                .anyMatch(m -> !m.nodeId().equals(identity.nodeId()) && m.health() == MemberHealth.ALIVE);
        if (!membership.hasLeft() && !grace.isZero() && anyoneToTell) {
            try {
                membership.leaveForRestart(grace, RESTART_ANNOUNCEMENT).get(RESTART_ANNOUNCEMENT.toMillis() + 500,
                        TimeUnit.MILLISECONDS);
                log.info("gossip: announced a restart; the managers keep this node's tasks for {} s", grace.toSeconds());
            } catch (Exception e) {
                log.warn("gossip: the restart announcement did not complete: {}", e.toString());
            }
        }
        membership.close();
    }
}
