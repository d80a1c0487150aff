package io.orch.raft.ratis;

import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RatisPropertiesTest {
    private final RaftSettings settings = RaftSettings.singleVoter("n1", "10.0.0.5:4300", "c1", Path.of("/var/lib/orch/raft"));

    @Test
    void everyRatisServiceSharesTheOneGivenPort() {
        RaftProperties p = RatisProperties.from(settings);
        assertEquals("10.0.0.5", GrpcConfigKeys.Server.host(p));
        assertEquals(4300, GrpcConfigKeys.Server.port(p));
        assertEquals(4300, GrpcConfigKeys.Admin.port(p));
        assertEquals(4300, GrpcConfigKeys.Client.port(p));
    }

    @Test
    void listensOnTheBindAddressWhilePeersAreToldTheAdvertiseAddress() {
        RaftSettings wildcard = RaftSettings.singleVoter("n1", "0.0.0.0:4300", "10.0.0.5:4300", "c1", Path.of("/x"));
        RaftProperties p = RatisProperties.from(wildcard);
        assertEquals("0.0.0.0", GrpcConfigKeys.Server.host(p));
        assertEquals(Map.of("n1", "10.0.0.5:4300"), wildcard.peers());
    }

    @Test
    void refusesAWildcardAdvertiseAddressAndAPeerListThatContradictsIt() {
        assertThrows(IllegalArgumentException.class,
                () -> RaftSettings.singleVoter("n1", "0.0.0.0:4300", "0.0.0.0:4300", "c1", Path.of("/x")));
        assertThrows(IllegalArgumentException.class,
                () -> settings.withPeers(Map.of("n1", "10.0.0.9:4300", "n2", "10.0.0.6:4300")));
    }

    @Test
    void aJoiningReplicaNamesTheCurrentVotersButNotItself() {
        RaftSettings joining = RaftSettings.joining("n3", "0.0.0.0:4300", "10.0.0.7:4300",
                Map.of("n1", "10.0.0.5:4300", "n2", "10.0.0.6:4300", "n3", "10.0.0.9:4300"), "c1", Path.of("/x"));
        assertEquals(Map.of("n1", "10.0.0.5:4300", "n2", "10.0.0.6:4300"), joining.peers());
        assertFalse(joining.isSoleVoter());
    }

    @Test
    void tlsKeyMaterialNeverShowsInTheSettingsText() {
        RaftTls tls = new RaftTls(new javax.net.ssl.X509ExtendedKeyManager() {
            public String[] getClientAliases(String k, java.security.Principal[] i) { return null; }
            public String chooseClientAlias(String[] k, java.security.Principal[] i, java.net.Socket s) { return null; }
            public String[] getServerAliases(String k, java.security.Principal[] i) { return null; }
            public String chooseServerAlias(String k, java.security.Principal[] i, java.net.Socket s) { return null; }
            public java.security.cert.X509Certificate[] getCertificateChain(String a) { return null; }
            public java.security.PrivateKey getPrivateKey(String a) { return null; }
            @Override public String toString() { return "SECRET-KEY"; }
        }, new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) { }
            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) { }
            public java.security.cert.X509Certificate[] getAcceptedIssuers() { return new java.security.cert.X509Certificate[0]; }
        });
        assertFalse(settings.withTls(tls).toString().contains("SECRET-KEY"));
    }

    @Test
    void writesFailFastAfterFourMaximumElectionTimeoutsWithoutALeader() {
        RaftProperties p = RatisProperties.from(settings);
        assertEquals(4 * RaftSettings.DEFAULT_ELECTION_TIMEOUT_MAX.toMillis(),
                RaftServerConfigKeys.Notification.noLeaderTimeout(p).toLong(TimeUnit.MILLISECONDS));
    }

    @Test
    void logIsFsyncedBeforeAnEntryCounts() {
        RaftProperties p = RatisProperties.from(settings);
        assertFalse(RaftServerConfigKeys.Log.unsafeFlushEnabled(p));
        assertFalse(RaftServerConfigKeys.Log.asyncFlushEnabled(p));
        assertTrue(RaftServerConfigKeys.Log.logMetadataEnabled(p));
    }

    @Test
    void snapshotsAreAutomaticAndPurgeTheLog() {
        RaftProperties p = RatisProperties.from(settings);
        assertTrue(RaftServerConfigKeys.Snapshot.autoTriggerEnabled(p));
        assertEquals(10_000L, RaftServerConfigKeys.Snapshot.autoTriggerThreshold(p));
        assertTrue(RaftServerConfigKeys.Log.purgeUptoSnapshotIndex(p));
        assertEquals(1024, RaftServerConfigKeys.Log.purgeGap(p));
        assertEquals(100, RaftServerConfigKeys.Log.purgeGap(RatisProperties.from(settings.withSnapshotThreshold(100))));
    }

    @Test
    void electionTimeoutsSuitALan() {
        RaftProperties p = RatisProperties.from(settings);
        assertEquals(400, RaftServerConfigKeys.Rpc.timeoutMin(p).toLong(TimeUnit.MILLISECONDS));
        assertEquals(800, RaftServerConfigKeys.Rpc.timeoutMax(p).toLong(TimeUnit.MILLISECONDS));
        assertEquals(50, RaftServerConfigKeys.Rpc.firstElectionTimeoutMin(p).toLong(TimeUnit.MILLISECONDS));
    }

    @Test
    void preVoteIsSetExplicitlyNotLeftToRatisDefault() {
        RaftProperties p = RatisProperties.from(settings);
        assertEquals("true", p.get(RaftServerConfigKeys.LeaderElection.PRE_VOTE_KEY));
        assertTrue(RaftServerConfigKeys.LeaderElection.preVote(p));
    }

    @Test
    void groupIdIsDerivedFromTheClusterIdAlone() {
        assertEquals(RaftSettings.groupIdOf("c1"), settings.groupId());
        assertEquals(RaftSettings.groupIdOf("c1"),
                RaftSettings.singleVoter("n2", "10.0.0.6:4300", "c1", Path.of("/x")).groupId());
        assertNotEquals(RaftSettings.groupIdOf("c1"), RaftSettings.groupIdOf("c2"));
    }

    @Test
    void soleVoterOnlyWhenThisNodeIsTheOnlyPeer() {
        assertTrue(settings.isSoleVoter());
        assertFalse(settings.withPeers(Map.of("n1", "10.0.0.5:4300", "n2", "10.0.0.6:4300")).isSoleVoter());
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1:7000,127.0.0.1,7000", "manager-1:4300,manager-1,4300", "[::1]:4300,::1,4300"})
    void parsesHostPort(String address, String host, int port) {
        assertEquals(new HostPort(host, port), HostPort.parse(address));
    }

    @ParameterizedTest
    @CsvSource({"localhost", ":4300", "host:", "host:0", "host:70000", "host:abc"})
    void rejectsBadAddresses(String address) {
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse(address));
    }
}
