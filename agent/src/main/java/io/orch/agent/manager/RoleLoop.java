package io.orch.agent.manager;

import io.orch.agent.loop.StoreLoop;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeSpec;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.StoreEvent;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Keeps the Raft voters in line with each node's desired role, on the leader (swarmkit's
 * {@code manager/role_manager.go}). A node demoted in its spec stays a voter until removing it is
 * safe ({@link #canRemove}): never the last voter, never below a quorum of the voters that are
 * reachable; then the leader removes it, and the demoted node, no longer a voter, switches itself
 * to a worker. A promotion needs nothing here: the promoted node must run a replica before it can
 * be added, so it asks to be added itself once it has one. A voter whose desired role is manager
 * again (promoted back before its removal) is left alone, and so is a voter with no node object
 * (the first manager of a cluster is a voter before it registers).
 *
 * <p>Started on leadership like the other manager loops; a new leader starts with a full pass, so
 * a demotion pending when the old leader stepped down is carried out by the new one.
 */
public final class RoleLoop extends StoreLoop {
    /** How soon a removal that was not safe (or failed) is looked at again without any node event. */
    static final Duration RETRY = Duration.ofSeconds(2);

    /** The Raft group as the leader sees it. */
    public interface Voters {
        /** Current voters' node ids. */
        Set<String> ids();

        /** Whether this voter answers the leader now (the leader itself always does). */
        boolean reachable(String nodeId);

        /** Removes a voter; returns once the new configuration is committed. */
        void remove(String nodeId) throws IOException;
    }

    private final Voters voters;
    private volatile boolean dirty = true;
    /** The last refusal logged, so a removal that stays unsafe is logged once, not every pass. */
    private String lastRefusal;

    public RoleLoop(ClusterStore store, Voters voters) {
        super("roles", store);
        this.voters = voters;
    }

    @Override
    public Predicate<StoreEvent> interest() {
        return e -> e.kind() == ObjectKind.NODE;
    }

    @Override
    protected void markAll(Instant now) {
        dirty = true;
    }

    @Override
    protected void mark(StoreEvent event) {
        dirty = true;
    }

    @Override
    protected Instant reconcile(Instant now) {
        if (!dirty) {
            return null;
        }
        dirty = false;
        boolean again = false;
        for (String id : Set.copyOf(voters.ids())) {
            Optional<Node> node = store.read(r -> r.node(id));
            if (node.isEmpty() || node.get().getSpec().getRole() != NodeSpec.Role.WORKER) {
                continue;
            }
            Set<String> current = voters.ids();
            if (!canRemove(current, id, voters::reachable)) {
                refuse(id, "removing it from the Raft group now would leave " + (current.size() - 1)
                        + " voter(s) without a reachable quorum; it stays a voter until that changes");
                again = true;
                continue;
            }
            try {
                voters.remove(id);
                log.info("removed the demoted manager {} from the Raft group", id);
                lastRefusal = null;
            } catch (IOException | RuntimeException e) {
                refuse(id, "could not remove it from the Raft group yet: " + e.getMessage());
                again = true;
            }
        }
        if (again) {
            dirty = true;
            return now.plus(RETRY);
        }
        return null;
    }

    private void refuse(String id, String why) {
        String line = "demoted manager " + id + ": " + why;
        if (!line.equals(lastRefusal)) {
            log.info(line);
            lastRefusal = line;
        }
    }

    /**
     * Whether {@code id} can leave {@code voters} keeping a quorum (swarmkit's
     * {@code CanRemoveMember}): at least one voter stays, and the reachable ones among those that
     * stay are a majority of them.
     */
    static boolean canRemove(Set<String> voters, String id, Predicate<String> reachable) {
        Set<String> remaining = new HashSet<>(voters);
        if (!remaining.remove(id)) {
            return true; // not a voter: nothing to remove
        }
        if (remaining.isEmpty()) {
            return false;
        }
        long up = remaining.stream().filter(reachable).count();
        return up >= remaining.size() / 2 + 1;
    }
}
