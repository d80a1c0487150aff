package io.orch.runtime.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubnetClaimsTest {
    @TempDir
    Path tmp;
    final Subnet pool = Subnet.parse("10.213.0.0/23");

    @Test
    void agentsSharingAMachineGetDistinctSubnetsAndKeepThemAcrossRestarts() throws IOException {
        Path claims = tmp.resolve("claims");
        Subnet a = SubnetClaims.claim(claims, pool, 24, tmp.resolve("agent-a/net"));
        Subnet b = SubnetClaims.claim(claims, pool, 24, tmp.resolve("agent-b/net"));
        assertNotEquals(a, b);
        assertEquals(a, SubnetClaims.claim(claims, pool, 24, tmp.resolve("agent-a/net")), "a restarted agent keeps its subnet");
        IOException full = assertThrows(IOException.class,
                () -> SubnetClaims.claim(claims, pool, 24, tmp.resolve("agent-c/net")));
        assertTrue(full.getMessage().contains("10.213.0.0/23"), full.getMessage());
    }

    @Test
    void theClaimOfAnAgentWhoseDataDirIsGoneIsTakenOver() throws IOException {
        Path claims = tmp.resolve("claims");
        Path gone = tmp.resolve("gone/net");
        Subnet old = SubnetClaims.claim(claims, pool, 24, gone);
        SubnetClaims.claim(claims, pool, 24, tmp.resolve("stays/net"));
        Files.delete(gone.resolve("subnet"));
        Files.delete(gone);
        assertEquals(old, SubnetClaims.claim(claims, pool, 24, tmp.resolve("new/net")));
    }
}
