package io.orch.api.certs;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The DER subset the CLI and the agent write and read: known encodings from the X.690 rules and back. */
class DerTest {
    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h);
    }

    @Test
    void objectIdentifiersEncodeAsX690SaysAndDecodeBack() {
        // id-ecPublicKey, ecdsa-with-SHA256 and prime256v1 as every certificate carries them
        assertArrayEquals(hex("06072a8648ce3d0201"), Der.oid("1.2.840.10045.2.1"));
        assertArrayEquals(hex("06082a8648ce3d040302"), Der.oid("1.2.840.10045.4.3.2"));
        assertArrayEquals(hex("06082a8648ce3d030107"), Der.oid("1.2.840.10045.3.1.7"));
        for (String oid : new String[] {"1.2.840.113549.1.1.1", "1.3.132.0.34", "2.5.4.3", "2.999.3"}) {
            assertEquals(oid, Der.decode(Der.oid(oid)).oid());
        }
    }

    @Test
    void lengthsOfMoreThan127BytesTakeTheLongForm() {
        assertArrayEquals(hex("0400"), Der.octetString(new byte[0]));
        byte[] long200 = Der.octetString(new byte[200]);
        assertArrayEquals(hex("0481c8"), java.util.Arrays.copyOf(long200, 3));
        byte[] long300 = Der.octetString(new byte[300]);
        assertArrayEquals(hex("0482012c"), java.util.Arrays.copyOf(long300, 4));
        assertEquals(300, Der.decode(long300).content().length);
    }

    @Test
    void aSequenceReadsBackAsItsElements() {
        byte[] der = Der.sequence(Der.integer(0), Der.sequence(Der.oid("1.2.840.113549.1.1.1"), Der.nullValue()),
                Der.bitString(new byte[] {1, 2}));
        List<Der.Value> fields = Der.decode(der).require(Der.SEQUENCE).children();
        assertEquals(BigInteger.ZERO, fields.get(0).integer());
        assertEquals("1.2.840.113549.1.1.1", fields.get(1).children().get(0).oid());
        assertArrayEquals(new byte[] {0, 1, 2}, fields.get(2).require(Der.BIT_STRING).content());
    }

    @Test
    void truncatedOrTrailingBytesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Der.decode(hex("3005020100")));
        assertThrows(IllegalArgumentException.class, () -> Der.decode(hex("05000500")));
        assertThrows(IllegalArgumentException.class, () -> Der.decode(hex("0484ffffffff")));
    }
}
