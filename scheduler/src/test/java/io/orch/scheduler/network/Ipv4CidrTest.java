package io.orch.scheduler.network;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ipv4CidrTest {
    @Test
    void aCidrParsesAndPrintsBackAndKnowsItsBounds() {
        Ipv4Cidr c = Ipv4Cidr.parse("10.0.1.0/24");
        assertEquals("10.0.1.0/24", c.toString());
        assertEquals(256, c.size());
        assertEquals("10.0.1.255", c.last().toString());
        assertTrue(c.contains(Ipv4Address.parse("10.0.1.77")));
        assertFalse(c.contains(Ipv4Address.parse("10.0.2.0")));
        assertEquals("10.0.1.5/24", c.withPrefix(c.addressAt(5)));
        assertEquals("255.255.255.255", Ipv4Address.parse("255.255.255.255").toString());
        assertEquals(1L << 32, Ipv4Cidr.parse("0.0.0.0/0").size());
    }

    @Test
    void badSpellingsAreRefusedWithTheTextInTheMessage() {
        for (String bad : List.of("10.0.1.0", "10.0.1/24", "10.0.1.0/33", "10.0.256.0/24", "a.b.c.d/8", "10.0.1.0/", "10..1.0/24")) {
            var e = assertThrows(IllegalArgumentException.class, () -> Ipv4Cidr.parse(bad), bad);
            assertEquals(bad + " is not an IPv4 CIDR (A.B.C.D/N)", e.getMessage());
        }
        var hostBits = assertThrows(IllegalArgumentException.class, () -> Ipv4Cidr.parse("10.0.1.5/24"));
        assertEquals("10.0.1.5/24 has host bits set (did you mean 10.0.1.0/24?)", hostBits.getMessage());
    }

    @Test
    void prefixesOverlapExactlyWhenOneContainsTheOther() {
        assertTrue(Ipv4Cidr.parse("10.0.0.0/8").overlaps(Ipv4Cidr.parse("10.9.0.0/16")));
        assertTrue(Ipv4Cidr.parse("10.9.0.0/16").overlaps(Ipv4Cidr.parse("10.0.0.0/8")));
        assertFalse(Ipv4Cidr.parse("10.0.1.0/24").overlaps(Ipv4Cidr.parse("10.0.2.0/24")));
        assertTrue(Ipv4Cidr.parse("10.0.1.128/25").within(Ipv4Cidr.parse("10.0.1.0/24")));
    }

    @Test
    void theFirstFreeSubnetSkipsTakenOnesAndMovesOnToTheNextPool() {
        var pools = List.of(Ipv4Cidr.parse("10.0.0.0/22"), Ipv4Cidr.parse("192.168.0.0/16"));
        assertEquals(Optional.of(Ipv4Cidr.parse("10.0.0.0/24")), SubnetChoice.firstFree(pools, 24, List.of()));
        var taken = List.of(Ipv4Cidr.parse("10.0.0.0/24"), Ipv4Cidr.parse("10.0.1.128/25"));
        assertEquals(Optional.of(Ipv4Cidr.parse("10.0.2.0/24")), SubnetChoice.firstFree(pools, 24, taken));
        var big = List.of(Ipv4Cidr.parse("10.0.0.0/23"), Ipv4Cidr.parse("10.0.2.0/24"), Ipv4Cidr.parse("10.0.3.0/24"));
        assertEquals(Optional.of(Ipv4Cidr.parse("192.168.0.0/24")), SubnetChoice.firstFree(pools, 24, big));
        assertEquals(Optional.empty(), SubnetChoice.firstFree(List.of(Ipv4Cidr.parse("10.0.0.0/24")), 16, List.of()),
                "a pool smaller than the subnet size gives nothing");
    }

    @Test
    void aWholeSlashEightPoolIsSearchedQuicklyPastAHugeTakenBlock() {
        var pools = List.of(Ipv4Cidr.parse("10.0.0.0/8"));
        var taken = List.of(Ipv4Cidr.parse("10.0.0.0/9"));
        assertEquals(Optional.of(Ipv4Cidr.parse("10.128.0.0/24")), SubnetChoice.firstFree(pools, 24, taken));
    }

    @Test
    void theLowestFreeVniIsChosenFrom4097() {
        assertEquals(OptionalInt.of(4097), VniChoice.lowestFree(List.of()));
        assertEquals(OptionalInt.of(4099), VniChoice.lowestFree(List.of(4097, 4098, 4100)));
        assertEquals(OptionalInt.of(4098), VniChoice.lowestFree(List.of(4097, 0, 12)));
    }
}
