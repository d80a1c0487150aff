package io.orch.agent.join;

import java.io.IOException;
import java.util.Map;

/** The managers' Raft group as the join service sees it (RatisProposer in production); removals are the leader's RoleLoop's. */
public interface RaftMembership {
    /** Adds a voter and returns once the new configuration is committed. */
    void addVoter(String nodeId, String raftAddr) throws IOException;

    /** Current voters, node id to Raft address. */
    Map<String, String> voters();
}
