package io.orch.agent.manager;

import io.orch.agent.cluster.MemberHealth;
import io.orch.agent.cluster.MemberInfo;
import io.orch.agent.cluster.MembershipView;
import io.orch.agent.loop.StoreLoop;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeStatus;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.StoreEvent;
import io.orch.raft.store.StoreException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Turns gossip's view of the cluster into node status, on the Raft leader only (swarmkit's
 * dispatcher does this with heartbeats): a node gossip declared DEAD, or that LEFT, becomes
 * DOWN, and the orchestrator then replaces its tasks elsewhere; a node gossip sees ALIVE again
 * becomes READY. A node that announced a planned restart becomes UNKNOWN (its tasks stay) until it
 * is back, or DOWN once its restart grace runs out. A node gossip does not know at all is marked DOWN only once the loop has run
 * for {@code unknownGrace}: a new leader's gossip may not have heard of every node yet.
 *
 * <p>Level-triggered: every pass compares the whole membership with every stored node and
 * writes all the differences in one version-checked transaction, so a pass that lost a race (a
 * node re-registering, an operator's update) is simply recomputed. Gossip changes wake the loop
 * within {@link #POLL}; SUSPECT changes nothing (Lifeguard's suspicion is still running). This
 * node is never marked DOWN: it is evidently running.
 */
public final class NodeHealthLoop extends StoreLoop {
    public static final String DOWN_MESSAGE = "node is down: no gossip contact";
    public static final String LEFT_MESSAGE = "node is down: it left the cluster";
    public static final String RESTARTING_MESSAGE = "node is restarting: its tasks stay until it is back or its restart grace runs out";
    /** How soon a gossip change is acted on (gossip itself takes a second or more to declare a death). */
    static final Duration POLL = Duration.ofMillis(200);
    static final Duration FULL_PASS = Duration.ofSeconds(5);
    public static final Duration DEFAULT_UNKNOWN_GRACE = Duration.ofSeconds(30);

    private final MembershipView membership;
    private final String selfId;
    private final Duration unknownGrace;
    private final AtomicBoolean dirty = new AtomicBoolean(true);
    private volatile Instant startedAt;
    private Instant lastFullPass;

    public NodeHealthLoop(ClusterStore store, MembershipView membership, String selfId) {
        this(store, membership, selfId, DEFAULT_UNKNOWN_GRACE);
    }

    public NodeHealthLoop(ClusterStore store, MembershipView membership, String selfId, Duration unknownGrace) {
        super("node-health", store);
        this.membership = membership;
        this.selfId = selfId;
        this.unknownGrace = unknownGrace;
        membership.addListener(m -> dirty.set(true));
    }

    /** Starts on becoming leader; the grace for nodes gossip does not know starts now. */
    @Override
    public void begin(Instant now) {
        startedAt = now;
        lastFullPass = null;
        dirty.set(true);
    }

    @Override
    public Predicate<StoreEvent> interest() {
        return e -> e.kind() == ObjectKind.NODE;
    }

    /**
     * The base loop asks for a full pass whenever a wait ends without store events, which with
     * {@link #POLL} would be five times a second; a full comparison every {@link #FULL_PASS} is
     * plenty to heal anything missed, since gossip changes and node writes mark the loop anyway.
     */
    @Override
    protected void markAll(Instant now) {
        if (lastFullPass == null || !now.isBefore(lastFullPass.plus(FULL_PASS))) {
            lastFullPass = now;
            dirty.set(true);
        }
    }

    @Override
    protected void mark(StoreEvent event) {
        dirty.set(true); // a node joined, re-registered or was changed: compare again
    }

    @Override
    protected Instant reconcile(Instant now) throws StoreException {
        if (dirty.getAndSet(false)) {
            try {
                if (writeChanges(now)) {
                    dirty.set(true);
                    return now; // the rest of the changes at once
                }
            } catch (StoreException e) {
                dirty.set(true);
                throw e;
            }
        }
        return now.plus(POLL);
    }

    /** Writes what gossip changed; true when some was left for the next pass (the entry budget was used). */
    private boolean writeChanges(Instant now) throws StoreException {
        Map<String, MemberInfo> members = membership.members();
        boolean graceOver = startedAt != null && !now.isBefore(startedAt.plus(unknownGrace));
        List<String> changed = new ArrayList<>();
        boolean[] more = {false};
        store.updateAndWait(tx -> {
            changed.clear();
            more[0] = false;
            for (Node node : tx.read().nodes()) {
                Node updated = judge(node, members.get(node.getId()), graceOver);
                if (updated != null && tx.full()) {
                    more[0] = true; // a large cluster cut off at once: the rest in the next transaction
                    break;
                }
                if (updated != null) {
                    tx.update(updated); // version-checked: lost races are recomputed next pass
                    changed.add(node.getId() + " " + updated.getStatus().getState());
                }
            }
        });
        if (!changed.isEmpty()) {
            log.info("node status from gossip: {}", changed);
        }
        return more[0];
    }

    /** The node as gossip says it should be, or null when its status is already right. */
    Node judge(Node node, MemberInfo member, boolean graceOver) {
        if (node.getId().equals(selfId)) {
            // the leader is up by definition: undo a DOWN another leader wrote while this node was
            // starting or cut off (no other node will, as only the leader judges)
            boolean down = node.getStatus().getState() == NodeStatus.State.DOWN
                    || node.getStatus().getState() == NodeStatus.State.UNKNOWN;
            return down ? withStatus(node, node.getStatus().toBuilder().setState(NodeStatus.State.READY).clearMessage().build()) : null;
        }
        MemberHealth health = member == null ? MemberHealth.UNKNOWN : member.health();
        NodeStatus status = node.getStatus();
        switch (health) {
            case DEAD, LEFT -> {
                String message = health == MemberHealth.LEFT ? LEFT_MESSAGE : DOWN_MESSAGE;
                if (status.getState() != NodeStatus.State.DOWN) {
                    return withStatus(node, status.toBuilder().setState(NodeStatus.State.DOWN).setMessage(message).build());
                }
            }
            case UNKNOWN -> {
                if (graceOver && status.getState() != NodeStatus.State.DOWN) {
                    return withStatus(node, status.toBuilder().setState(NodeStatus.State.DOWN).setMessage(DOWN_MESSAGE).build());
                }
            }
            case ALIVE -> {
                // DISCONNECTED is the dispatcher's word (no session); gossip only revives what it put down
                boolean revive = status.getState() == NodeStatus.State.DOWN || status.getState() == NodeStatus.State.UNKNOWN;
                // a READY node's address is its own registration's to keep; a revived one takes what it gossips
                if (revive) {
                    String addr = member.meta().getListenAddr().isEmpty() ? status.getAddr() : member.meta().getListenAddr();
                    return withStatus(node, NodeStatus.newBuilder().setState(NodeStatus.State.READY).setAddr(addr).build());
                }
            }
            case SUSPECT -> {
                // suspicion is still running: it ends ALIVE (refuted) or DEAD
            }
            case RESTARTING -> {
                // a planned restart: UNKNOWN (as Swarm shows a node it has no word from) keeps the
                // tasks where they are; gossip reports LEFT once the announced grace runs out
                if (status.getState() != NodeStatus.State.UNKNOWN && status.getState() != NodeStatus.State.DOWN) {
                    return withStatus(node, status.toBuilder().setState(NodeStatus.State.UNKNOWN)
                            .setMessage(RESTARTING_MESSAGE).build());
                }
            }
        }
        return null;
    }

    private static Node withStatus(Node node, NodeStatus status) {
        return node.toBuilder().setStatus(status).build();
    }
}
