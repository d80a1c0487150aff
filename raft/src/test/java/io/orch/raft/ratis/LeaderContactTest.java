package io.orch.raft.ratis;

import org.apache.ratis.proto.RaftProtos.CandidateInfoProto;
import org.apache.ratis.proto.RaftProtos.FollowerInfoProto;
import org.apache.ratis.proto.RaftProtos.LeaderInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LeaderContactTest {
    private static ServerRpcProto peer(String id, long elapsedMs) {
        return ServerRpcProto.newBuilder().setId(RaftPeerProto.newBuilder().setId(ByteString.copyFromUtf8(id)))
                .setLastRpcElapsedTimeMs(elapsedMs).build();
    }

    private static RoleInfoProto leader(long inRoleMs, ServerRpcProto... followers) {
        LeaderInfoProto.Builder info = LeaderInfoProto.newBuilder();
        for (ServerRpcProto f : followers) {
            info.addFollowerInfo(f);
        }
        return RoleInfoProto.newBuilder().setRole(RaftPeerRole.LEADER).setRoleElapsedTimeMs(inRoleMs)
                .setLeaderInfo(info).build();
    }

    @Test
    void aLeaderHasAQuorumWhileEnoughFollowersAnswered() {
        RoleInfoProto fiveVoters = leader(60_000, peer("a", 50), peer("b", 9_000), peer("c", 120), peer("d", 7_000));
        assertEquals(Duration.ofMillis(120), LeaderContact.sinceLeaderContact(fiveVoters, 5, Optional.empty()),
                "two followers plus itself make three of five");
        RoleInfoProto isolated = leader(60_000, peer("a", 8_000), peer("b", 9_000));
        assertEquals(Duration.ofMillis(8_000), LeaderContact.sinceLeaderContact(isolated, 3, Optional.empty()));
        assertEquals(Duration.ofMillis(100), LeaderContact.sinceLeaderContact(leader(100, peer("a", 8_000)), 2, Optional.empty()),
                "a new leader had a quorum's votes when it took office");
        assertEquals(Map.of("a", Duration.ofMillis(8_000), "b", Duration.ofMillis(9_000)), LeaderContact.followerLastContact(isolated));
    }

    @Test
    void followersAndCandidatesCountFromTheirLastLeader() {
        RoleInfoProto follower = RoleInfoProto.newBuilder().setRole(RaftPeerRole.FOLLOWER).setRoleElapsedTimeMs(90_000)
                .setFollowerInfo(FollowerInfoProto.newBuilder().setLeaderInfo(peer("l", 40))).build();
        assertEquals(Duration.ofMillis(40), LeaderContact.sinceLeaderContact(follower, 3, Optional.empty()));

        RoleInfoProto noLeader = RoleInfoProto.newBuilder().setRole(RaftPeerRole.FOLLOWER).setRoleElapsedTimeMs(150)
                .setFollowerInfo(FollowerInfoProto.newBuilder().setLeaderInfo(ServerRpcProto.getDefaultInstance())).build();
        assertEquals(Duration.ofMillis(150), LeaderContact.sinceLeaderContact(noLeader, 3, Optional.empty()));
        assertEquals(Duration.ofSeconds(5), LeaderContact.sinceLeaderContact(noLeader, 3, Optional.of(Duration.ofSeconds(5))),
                "between two failed elections: as long as Ratis says");

        RoleInfoProto candidate = RoleInfoProto.newBuilder().setRole(RaftPeerRole.CANDIDATE).setRoleElapsedTimeMs(10)
                .setCandidateInfo(CandidateInfoProto.newBuilder().setLastLeaderElapsedTimeMs(3_000)).build();
        assertEquals(Duration.ofMillis(3_000), LeaderContact.sinceLeaderContact(candidate, 3, Optional.empty()));
        assertEquals(Map.of(), LeaderContact.followerLastContact(candidate));
    }

    @Test
    void aQuorumIsAMajority() {
        assertEquals(1, LeaderContact.quorum(1));
        assertEquals(2, LeaderContact.quorum(2));
        assertEquals(2, LeaderContact.quorum(3));
        assertEquals(3, LeaderContact.quorum(4));
        assertEquals(3, LeaderContact.quorum(5));
    }

    @Test
    void onlyALeaderOrAFollowerThatKnowsItsLeaderHasContact() {
        assertEquals(Optional.of(Duration.ofMillis(8_000)),
                LeaderContact.contactAge(leader(60_000, peer("a", 8_000), peer("b", 9_000)), 3));
        RoleInfoProto follower = RoleInfoProto.newBuilder().setRole(RaftPeerRole.FOLLOWER).setRoleElapsedTimeMs(90_000)
                .setFollowerInfo(FollowerInfoProto.newBuilder().setLeaderInfo(peer("l", 40))).build();
        assertEquals(Optional.of(Duration.ofMillis(40)), LeaderContact.contactAge(follower, 3));
        RoleInfoProto steppedDown = RoleInfoProto.newBuilder().setRole(RaftPeerRole.FOLLOWER).setRoleElapsedTimeMs(10)
                .setFollowerInfo(FollowerInfoProto.newBuilder().setLeaderInfo(ServerRpcProto.getDefaultInstance())).build();
        assertEquals(Optional.empty(), LeaderContact.contactAge(steppedDown, 3), "a fresh role is no contact");
        RoleInfoProto candidate = RoleInfoProto.newBuilder().setRole(RaftPeerRole.CANDIDATE).setRoleElapsedTimeMs(10)
                .setCandidateInfo(CandidateInfoProto.newBuilder().setLastLeaderElapsedTimeMs(3_000)).build();
        assertEquals(Optional.empty(), LeaderContact.contactAge(candidate, 3));
    }
}
