package io.orch.runtime.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IpamTest {
    @TempDir
    Path dir;
    final Subnet subnet = Subnet.parse("10.213.7.0/29"); // .2 to .6 assignable

    @Test
    void handsOutEachAddressOnceAndNeverNetworkGatewayOrBroadcast() throws IOException {
        Ipam ipam = Ipam.open(dir, subnet);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            int a = ipam.allocate("t" + i);
            assertTrue(subnet.assignable(a), Subnet.format(a));
            assertTrue(seen.add(a), "handed out twice: " + Subnet.format(a));
        }
        IOException full = assertThrows(IOException.class, () -> ipam.allocate("t5"));
        assertTrue(full.getMessage().contains("10.213.7.0/29"), full.getMessage());
    }

    @Test
    void theSameTaskKeepsItsAddress() throws IOException {
        Ipam ipam = Ipam.open(dir, subnet);
        assertEquals(ipam.allocate("a"), ipam.allocate("a"));
    }

    @Test
    void aReleasedAddressIsReusedOnlyAfterTheOthers() throws IOException {
        Ipam ipam = Ipam.open(dir, subnet);
        int first = ipam.allocate("a");
        ipam.release("a");
        assertNotEquals(first, ipam.allocate("b"), "the cursor moved on");
        ipam.release("b");
        ipam.release("b"); // idempotent
        for (int i = 0; i < 5; i++) {
            ipam.allocate("c" + i);
        }
        assertTrue(ipam.allocations().containsValue(first), "wrapped round to the released address");
    }

    @Test
    void allocationsSurviveAReopenAsAfterAnAgentRestart() throws IOException {
        Ipam before = Ipam.open(dir, subnet);
        int a = before.allocate("a");
        int b = before.allocate("b");
        before.release("a");

        Ipam after = Ipam.open(dir, subnet);
        assertEquals(b, after.addressOf("b").orElseThrow());
        assertFalse(after.addressOf("a").isPresent());
        int c = after.allocate("c");
        assertNotEquals(b, c);
        assertNotEquals(a, c, "the cursor survived too: the just-released address is not reused first");
    }
}
