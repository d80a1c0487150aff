package io.orch.agent.api;

import java.util.Objects;
import java.util.Optional;

/**
 * What the node routes need from the running manager beyond the store.
 *
 * @param managerStatus the live leader/reachability view, or null to show the ManagerStatus stored in each node
 * @param roleChanges   what promote, demote and remove do beyond the store ({@link RoleChangeHook#NONE}: nothing)
 */
public record NodeControl(ManagerStatusView managerStatus, RoleChangeHook roleChanges) {
    public NodeControl {
        Objects.requireNonNull(roleChanges, "roleChanges");
    }

    /** Stored manager statuses, spec-only role changes: for tests and tools without a Raft server. */
    public static NodeControl none() {
        return new NodeControl(null, RoleChangeHook.NONE);
    }

    public Optional<ManagerStatusView> liveManagerStatus() {
        return Optional.ofNullable(managerStatus);
    }
}
