package io.orch.agent.pki;

import io.grpc.StatusRuntimeException;
import io.netty.handler.ssl.ClientAuth;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A joining node (no certificate yet) trusts a manager only if its root CA is the one the token names. */
class PinnedCaTrustTest {
    private static RootCa ca;
    private static NodeCredentials manager;
    private static NodeCredentials worker;

    @BeforeAll
    static void credentials() {
        ca = RootCa.create("cluster1");
        manager = NodeCredentials.selfIssued(ca, "manager1", NodeRole.MANAGER, List.of("127.0.0.1"));
        worker = NodeCredentials.selfIssued(ca, "worker1", NodeRole.WORKER, List.of());
    }

    @Test
    void acceptsTheManagerOfTheTokensCaAndPinsThatCa() throws Exception {
        PinnedCaTrust trust = PinnedCaTrust.forToken(JoinToken.generate(ca));
        assertTrue(trust.pinnedCa().isEmpty(), "nothing pinned before a handshake");
        try (TlsEchoServer server = new TlsEchoServer(manager.serverContext(ClientAuth.OPTIONAL))) {
            assertEquals("anonymous", server.whoAmI(trust.clientContext()), "the joining node presents no certificate");
        }
        assertEquals(ca.certificate(), trust.pinnedCa().orElseThrow());
    }

    @Test
    void refusesAManagerOfAnotherCaWithCaDigestMismatch() throws Exception {
        JoinToken otherClustersToken = JoinToken.generate(RootCa.create("cluster2"));
        PinnedCaTrust trust = PinnedCaTrust.forToken(otherClustersToken);
        try (TlsEchoServer server = new TlsEchoServer(manager.serverContext(ClientAuth.OPTIONAL))) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> server.whoAmI(trust.clientContext()));
            assertTrue(MutualTlsTest.causes(e).contains("CA digest mismatch"), MutualTlsTest.causes(e));
            assertTrue(PinnedCaTrust.isDigestMismatch(e));
        }
        assertTrue(trust.pinnedCa().isEmpty());
    }

    @Test
    void refusesAWorkerOfTheRightCa() throws Exception {
        PinnedCaTrust trust = PinnedCaTrust.forDigest(ca.digest());
        try (TlsEchoServer server = new TlsEchoServer(worker.serverContext(ClientAuth.OPTIONAL))) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> server.whoAmI(trust.clientContext()));
            assertTrue(MutualTlsTest.causes(e).contains("the peer is not a manager"), MutualTlsTest.causes(e));
            assertFalse(PinnedCaTrust.isDigestMismatch(e));
        }
    }

    @Test
    void aMalformedDigestIsRefusedUpFront() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PinnedCaTrust.forDigest("ABC"));
        assertEquals("invalid CA digest: expected 50 base-36 characters", e.getMessage());
    }
}
