package io.orch.raft.ratis;

import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads how long ago this replica last knew of a leader backed by a quorum, from Ratis' role info:
 * the question behind "fail a write at once, the cluster has no leader" and "Reachable" in {@code node ls}.
 */
final class LeaderContact {
    private LeaderContact() {
    }

    /** Voters needed for a leader: a majority. */
    static int quorum(int voters) {
        return voters / 2 + 1;
    }

    /**
     * Time since this replica last had a live leader in view: zero on a leader that heard from a
     * quorum recently (a leader counts itself) and on a follower that heard from its leader; the
     * time since the leader was lost on a candidate. A follower that knows no leader (just started,
     * between two failed elections, or voted in an election still open) reports its time in the role,
     * or {@code longLeaderless} when Ratis said it has been leaderless for long.
     */
    static Duration sinceLeaderContact(RoleInfoProto role, int voters, Optional<Duration> longLeaderless) {
        switch (role.getRole()) {
            case LEADER:
                return sinceQuorumContact(role, voters);
            case FOLLOWER:
                ServerRpcProto leader = role.getFollowerInfo().getLeaderInfo();
                if (leader.hasId()) {
                    return Duration.ofMillis(leader.getLastRpcElapsedTimeMs());
                }
                Duration inRole = Duration.ofMillis(role.getRoleElapsedTimeMs());
                return longLeaderless.filter(d -> d.compareTo(inRole) > 0).orElse(inRole);
            case CANDIDATE:
                return Duration.ofMillis(role.getCandidateInfo().getLastLeaderElapsedTimeMs());
            default:
                return Duration.ofMillis(role.getRoleElapsedTimeMs());
        }
    }

    /**
     * How long ago this replica last heard from a leader in view: a leader's quorum contact, a
     * follower's last message from its leader; empty for a candidate or a follower that knows no
     * leader (the time in such a role says nothing about the last contact).
     */
    static Optional<Duration> contactAge(RoleInfoProto role, int voters) {
        switch (role.getRole()) {
            case LEADER:
                return Optional.of(sinceQuorumContact(role, voters));
            case FOLLOWER:
                ServerRpcProto leader = role.getFollowerInfo().getLeaderInfo();
                return leader.hasId() ? Optional.of(Duration.ofMillis(leader.getLastRpcElapsedTimeMs())) : Optional.empty();
            default:
                return Optional.empty();
        }
    }

    /** On a leader: how long ago the (quorum - 1)-th most recently heard follower answered. */
    private static Duration sinceQuorumContact(RoleInfoProto role, int voters) {
        int followersNeeded = quorum(voters) - 1;
        if (followersNeeded <= 0) {
            return Duration.ZERO;
        }
        long[] elapsed = role.getLeaderInfo().getFollowerInfoList().stream()
                .mapToLong(ServerRpcProto::getLastRpcElapsedTimeMs)
                .sorted()
                .toArray();
        // A new leader had a quorum's votes when it took office, so it had contact within its term.
        long inRole = role.getRoleElapsedTimeMs();
        if (elapsed.length < followersNeeded) {
            return Duration.ofMillis(inRole);
        }
        return Duration.ofMillis(Math.min(inRole, elapsed[followersNeeded - 1]));
    }

    /** On a leader: each follower's id and the time since it last answered; empty elsewhere. */
    static Map<String, Duration> followerLastContact(RoleInfoProto role) {
        Map<String, Duration> contacts = new TreeMap<>();
        if (role.hasLeaderInfo()) {
            role.getLeaderInfo().getFollowerInfoList().forEach(f ->
                    contacts.put(f.getId().getId().toStringUtf8(), Duration.ofMillis(f.getLastRpcElapsedTimeMs())));
        }
        return contacts;
    }
}
