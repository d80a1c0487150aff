package io.orch.runtime.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SubnetTest {
    @Test
    void parsesAndNamesGatewayAndBroadcast() {
        Subnet s = Subnet.parse("10.213.4.0/24");
        assertEquals("10.213.4.0/24", s.toString());
        assertEquals("10.213.4.1", Subnet.format(s.gateway()));
        assertEquals("10.213.4.255", Subnet.format(s.broadcast()));
        assertEquals("10.213.4.1/24", s.gatewayCidr());
        assertEquals(256, s.size());
    }

    @Test
    void onlyHostAddressesOtherThanTheGatewayAreAssignable() {
        Subnet s = Subnet.parse("10.213.4.0/24");
        assertFalse(s.assignable(Subnet.parseAddress("10.213.4.0")));
        assertFalse(s.assignable(Subnet.parseAddress("10.213.4.1")));
        assertFalse(s.assignable(Subnet.parseAddress("10.213.4.255")));
        assertFalse(s.assignable(Subnet.parseAddress("10.213.5.2")));
        assertTrue(s.assignable(Subnet.parseAddress("10.213.4.2")));
        assertTrue(s.assignable(Subnet.parseAddress("10.213.4.254")));
    }

    @Test
    void carvesChildSubnetsInOrder() {
        Subnet pool = Subnet.parse("10.212.0.0/16");
        assertEquals(256, pool.childCount(24));
        assertEquals("10.212.0.0/24", pool.child(24, 0).toString());
        assertEquals("10.212.255.0/24", pool.child(24, 255).toString());
        assertThrows(IllegalArgumentException.class, () -> pool.child(24, 256));
    }

    @Test
    void badInputIsRejectedNamingIt() {
        for (String bad : new String[] {"10.0.0.0", "10.0.0/24", "10.0.0.1/24", "10.0.0.0/33", "300.0.0.0/8", "a.b.c.d/8"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Subnet.parse(bad));
            assertTrue(e.getMessage().contains(bad.split("/")[0]), e.getMessage());
        }
    }
}
